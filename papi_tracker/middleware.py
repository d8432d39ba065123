import datetime
import functools
import ipaddress
import logging
import sys
import time
from urllib.parse import quote

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied
from django.core.signals import got_request_exception
from django.db import OperationalError
from django.http import Http404, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


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
                if request.method != "POST":
                    return redirect(f"{reverse(settings.LOGIN_URL)}?next={quote(request.get_full_path())}")
                # A form sent after the session ended goes on, logged out: KeepPostedFormMiddleware
                # keeps what was typed (once the CSRF check has passed), then the login is asked.
            elif now - seen > LAST_SEEN_RESOLUTION:
                session[LAST_SEEN] = now
        return self.get_response(request)


# Forms whose typing is kept when they arrive after the session ended (url names).
KEPT_FORMS = {"report_form", "report_thread", "task_thread"}  # the report form, a comment (reporting.views)
KEPT_SESSION_KEY = "papi_kept_posts"
KEPT_MAX_BYTES = 2 * 1024 * 1024  # the session is no place for more; the largest real report is far less


class KeepPostedFormMiddleware:
    """A form sent after the session ended is not thrown away: its fields (not its files) are
    kept in the new session under its address, the login is asked, and the form's view offers
    them back after login (`take_kept_post`). Placed after CsrfViewMiddleware, whose check has
    then passed (a cross-site post is refused there, never kept), and before LoginRequiredMiddleware.
    An autosave (header X-Autosave) gets 401 with the login address instead of a redirect."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "POST" or request.user.is_authenticated:
            return None
        match = getattr(request, "resolver_match", None)
        if match is None or match.url_name not in KEPT_FORMS:
            return None
        data = {key: request.POST.getlist(key) for key in request.POST if key != "csrfmiddlewaretoken"}
        if sum(len(value) for values in data.values() for value in values) <= KEPT_MAX_BYTES:
            kept = request.session.get(KEPT_SESSION_KEY, {})
            kept[request.path] = {"data": data, "at": int(time.time())}
            request.session[KEPT_SESSION_KEY] = kept
        login = f"{reverse(settings.LOGIN_URL)}?next={quote(request.path)}"
        if request.headers.get("X-Autosave"):
            return JsonResponse({"login": login}, status=401)
        return None  # LoginRequiredMiddleware asks for the login


def take_kept_post(request):
    """(QueryDict, time) of what this address's form sent after the session ended, once; or None."""
    kept = request.session.get(KEPT_SESSION_KEY, {})
    entry = kept.pop(request.path, None)
    if entry is None:
        return None
    request.session[KEPT_SESSION_KEY] = kept
    data = QueryDict(mutable=True)
    for key, values in entry["data"].items():
        data.setlist(key, values)
    return data, datetime.datetime.fromtimestamp(entry["at"], tz=datetime.UTC)


def client_ip(request):
    """The address a request came from, for the login lockout (AXES_CLIENT_IP_CALLABLE).

    REMOTE_ADDR, unless it is one of TRUSTED_PROXIES: then X-Forwarded-For, read from the right,
    where each proxy appended the address it was reached from; the first hop that is not itself
    a trusted proxy is the client. Entries further left are whatever the client sent. A server
    reached without its proxy thus counts failures by the address that really connected."""
    remote = request.META.get("REMOTE_ADDR", "")
    trusted = _networks(tuple(settings.TRUSTED_PROXIES))
    if not _is_trusted(_address(remote), trusted):
        return remote
    client = remote
    for hop in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        address = _address(hop)
        if address is None:  # not an address: nothing to its left can be relied on
            break
        client = str(address)
        if not _is_trusted(address, trusted):
            break
    return client


@functools.cache
def _networks(values):
    return tuple(ipaddress.ip_network(value, strict=False) for value in values)


def _address(text):
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    # An IPv4 client of a dual-stack socket shows as ::ffff:a.b.c.d.
    return getattr(address, "ipv4_mapped", None) or address


def _is_trusted(address, networks):
    return address is not None and any(address in network for network in networks)


class PrivateCacheMiddleware:
    """Every page and download of the app is private: `Cache-Control: private, no-store`, so that
    no shared proxy keeps it and no browser keeps it on disk (reports and evidence on a shared
    office computer). Placed after WhiteNoise, which answers static files itself with their long
    public cache. A response that sets its own Cache-Control keeps it when it already says
    no-store (never_cache), or when nobody is logged in (a public answer may be cacheable);
    for a logged-in user anything else (max-age, public) is replaced."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        own = response.get("Cache-Control", "")
        directives = {part.split("=")[0].strip().lower() for part in own.split(",")}
        if "no-store" in directives:
            return response
        user = getattr(request, "user", None)
        if own and not (user is not None and user.is_authenticated):
            return response
        response["Cache-Control"] = "private, no-store"
        return response


# Seconds the 503 page asks to wait before trying again (its Retry-After).
BUSY_RETRY_SECONDS = 10


def is_database_busy(error):
    """SQLite's "database is locked" (or "database table is locked"): another connection held the
    write lock longer than the busy timeout (SQLITE_TIMEOUT). Trying again a little later succeeds."""
    return isinstance(error, OperationalError) and "is locked" in str(error).lower()


def database_busy_page(request):
    """503 with Retry-After and a page that says what happened and what to do, in the user's
    language; rendered without the database (no user, no session)."""
    with translation.override(getattr(request, "LANGUAGE_CODE", None) or settings.LANGUAGE_CODE):
        content = render_to_string("503.html", {"retry_after": BUSY_RETRY_SECONDS})
    response = HttpResponse(content, status=503)
    response["Retry-After"] = str(BUSY_RETRY_SECONDS)
    response["Cache-Control"] = "private, no-store"
    return response


class DatabaseBusyMiddleware:
    """A request that meets a busy database (is_database_busy) gets the 503 page instead of a 500:
    from a view (process_exception) or from a middleware inside this one, e.g. the session's
    save (got_request_exception marks the request; the 500 it became is replaced here)."""

    def __init__(self, get_response):
        self.get_response = get_response
        got_request_exception.connect(mark_database_busy, dispatch_uid="papi_mark_database_busy")

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 500 and getattr(request, "_papi_database_busy", False):
            return database_busy_page(request)
        return response

    def process_exception(self, request, exception):
        if is_database_busy(exception):
            logger.warning("Database busy, answered 503: %s %s (%s)", request.method, request.path, exception)
            return database_busy_page(request)
        return None


def mark_database_busy(sender, request=None, **kwargs):
    """Receives got_request_exception, sent while an exception is being turned into a 500."""
    if request is not None and is_database_busy(sys.exc_info()[1]):
        logger.warning("Database busy, answered 503: %s %s", request.method, request.path)
        request._papi_database_busy = True


class AdminNotFoundMiddleware:
    """The admin answers a logged-in user 404 for what they may not use, as every other page of
    the app does (nothing tells them it exists): the admin itself for a user without admin access
    (Django would send them to its login page), a model or action their role lacks (Django raises
    PermissionDenied, 403). Another province's object is a 404 too (plans.admin_scope). Anonymous
    users still go to the login page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    @staticmethod
    def _applies(request):
        match = getattr(request, "resolver_match", None)
        return match is not None and match.namespace == admin.site.name and request.user.is_authenticated

    def process_view(self, request, view_func, view_args, view_kwargs):
        if (
            self._applies(request)
            and request.resolver_match.url_name not in ("login", "logout")
            and not admin.site.has_permission(request)
        ):
            raise Http404
        return None

    def process_exception(self, request, exception):
        if isinstance(exception, PermissionDenied) and self._applies(request):
            raise Http404 from exception
        return None
