from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from . import lockout, two_factor
from .forms import CodeForm


def _next_url(request):
    """Where to go afterwards: `next` when it stays on this site, else the home page."""
    url = request.POST.get("next") or request.GET.get("next")
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return url
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _to_step(step, next_url):
    return f"{reverse(step)}?{urlencode({'next': next_url})}"


class LoginView(auth_views.LoginView):
    """Django's login (django-axes counts its failures; a browser's device cookie has them counted
    apart, accounts.lockout); a user with a second step to pass is sent to it, carrying `next` along."""

    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        lockout.recognise_device(request)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        lockout.remember_device(response, form.get_user().get_username())
        return response

    def get_success_url(self):
        url = super().get_success_url()
        step = two_factor.next_step(self.request.user)
        return _to_step(step, url) if step else url


@never_cache
def two_factor_verify(request):
    """The second step of the login: the 6-digit code from the user's authenticator app."""
    next_url = _next_url(request)
    step = two_factor.next_step(request.user)
    if step != two_factor.VERIFY:  # passed already, or nothing to verify with yet
        return redirect(_to_step(step, next_url) if step else next_url)
    form = CodeForm(request.POST or None)
    if form.is_valid():
        try:
            two_factor.verify_session(request, form.cleaned_data["code"])
        except two_factor.TwoFactorError as error:
            form.add_error("code", str(error))
        else:
            return redirect(next_url)
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": next_url})


CODE_ACTIONS = {"confirm", "replace", "remove"}  # each posts a code; "cancel" drops an enrolment


@never_cache
def two_factor_setup(request):
    """The user's own second factor, and only theirs: enrol (QR code, or the key to type),
    confirm with a code, replace, or remove where the role allows."""
    user = request.user
    action = request.POST.get("action") if request.method == "POST" else None
    form = CodeForm(request.POST if action in CODE_ACTIONS else None)
    device = two_factor.confirmed_device(user)
    if device is None and not request.session.get(two_factor.PENDING):
        two_factor.start_enrolment(request)
    if action == "cancel":
        two_factor.cancel_enrolment(request)
        return redirect("two_factor_setup")
    if form.is_valid():
        code = form.cleaned_data["code"]
        try:
            if action == "confirm":
                two_factor.confirm_enrolment(request, code)
                messages.success(request, _("Đã bật xác thực hai lớp. Từ lần đăng nhập sau, hãy nhập mã từ ứng dụng."))
                return redirect(_next_url(request))
            if action == "replace":
                two_factor.start_enrolment(request, replacing=two_factor.check_code(user, code))
                return redirect("two_factor_setup")
            if action == "remove":
                two_factor.remove_device(request, code)
                messages.success(request, _("Đã tắt xác thực hai lớp."))
                return redirect("two_factor_setup")
        except two_factor.TwoFactorError as error:
            form.add_error("code", str(error))
    context = {
        "device": device,
        "enrolment": two_factor.pending_enrolment(request),
        "required": two_factor.is_required(user),
        "form": form,
        "next": _next_url(request) if request.GET.get("next") or request.POST.get("next") else "",
    }
    return render(request, "accounts/two_factor_setup.html", context)
