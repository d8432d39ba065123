import time
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _


class ChosenLanguageMiddleware:
    """Vietnamese unless the user chose another language with the switcher.

    Django's LocaleMiddleware would follow the browser's Accept-Language, and many office
    computers run an English browser: their civil servants would get English by default."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        try:
            response = self.get_response(request)
        finally:
            translation.deactivate()  # the thread's next work (another request, a test) starts afresh
        response.headers.setdefault("Content-Language", language)
        return response


LOGIN_AT, LAST_SEEN = "papi_login_at", "papi_last_seen"
# How stale the last-seen time may get before it is written again: most requests write nothing.
LAST_SEEN_RESOLUTION = 60


def remember_login_time(sender, request, user, **kwargs):
    """Connected to user_logged_in in papi_tracker.apps."""
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[LOGIN_AT] = request.session[LAST_SEEN] = now


class SessionLifetimeMiddleware:
    """Ends a session SESSION_IDLE_SECONDS after its last request, and SESSION_ABSOLUTE_SECONDS
    after login however active it has been."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            session = request.session
            started, seen = session.get(LOGIN_AT), session.get(LAST_SEEN)
            if started is None or seen is None:  # a session from before this rule
                session[LOGIN_AT], session[LAST_SEEN] = started or now, now
            elif now - seen > settings.SESSION_IDLE_SECONDS or now - started > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
                messages.info(request, _("Phiên làm việc đã hết hạn; hãy đăng nhập lại."))
                return redirect(f"{reverse(settings.LOGIN_URL)}?next={quote(request.get_full_path())}")
            elif now - seen > LAST_SEEN_RESOLUTION:
                session[LAST_SEEN] = now
        return self.get_response(request)


def client_ip(request):
    """The address a login came from, for the lockout: behind the TLS proxy, the last hop of
    X-Forwarded-For (the one the proxy itself appended; earlier ones are the client's say)."""
    if settings.BEHIND_TLS_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")
