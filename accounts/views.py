from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.db.models import Exists, OuterRef, Prefetch
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from papi_tracker import signed_preview
from papi_tracker.labels import label_of
from papi_tracker.middleware import client_ip
from plans.models import Membership

from . import access, lockout, services, two_factor
from .forms import AccountForm, AccountImportForm, CodeForm, PasswordResetRequestForm


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


CODE_ACTIONS = {"confirm", "replace", "remove", "backup_codes"}  # each posts a code; "cancel" drops an enrolment


@never_cache
def two_factor_setup(request):
    """The user's own second factor, and only theirs: enrol (QR code, or the key to type),
    confirm with a code, replace, or remove where the role allows; new backup codes with a
    current code, and the first ones right after the first enrolment: shown in that answer alone
    (never kept in a message, the session or a form anybody can read again)."""
    user = request.user
    new_codes, continue_url = None, ""
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
                codes = two_factor.first_backup_codes(user)
                if not codes:
                    return redirect(_next_url(request))
                # Shown in this answer alone, with the way on: never kept in a message, session or cookie.
                new_codes, form, device = codes, CodeForm(), two_factor.confirmed_device(user)
                continue_url = _next_url(request)
            if action == "replace":
                two_factor.check_code(user, code)  # the app's code, or a backup code when the phone is lost
                two_factor.start_enrolment(request, replacing=device)
                return redirect("two_factor_setup")
            if action == "backup_codes":
                two_factor.check_code(user, code)
                new_codes = two_factor.new_backup_codes(user)
                form = CodeForm()
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
        "new_codes": new_codes,
        "continue_url": continue_url,
        "codes_left": two_factor.backup_codes_left(user) if device else None,
        "form": form,
        "next": _next_url(request) if request.GET.get("next") or request.POST.get("next") else "",
    }
    return render(request, "accounts/two_factor_setup.html", context)


# --- "Quên mật khẩu": Django's reset flow, its e-mail from accounts.services -------------------------


class PasswordResetView(auth_views.PasswordResetView):
    """The same answer for every address, known or not, sent or held back by the hourly limit."""

    form_class = PasswordResetRequestForm
    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form):
        if not services.reset_email_allowed(form.cleaned_data["email"], client_ip(self.request)):
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Setting a password from an invitation's or a reset e-mail's link; a deactivated account's
    link no longer works."""

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None


# --- The province's people, managed by its coordinators (accounts.access decides whose) ------------


def _managing(request):
    if not access.may_manage_accounts(request.user):
        raise Http404


def _with_roles(users):
    """Each user's memberships (agency, province) in one query, as `roles`; and whether they have
    a second factor, as `has_two_factor`."""
    confirmed = TOTPDevice.objects.filter(user_id=OuterRef("pk"), confirmed=True)
    return users.annotate(has_two_factor=Exists(confirmed)).prefetch_related(
        Prefetch("memberships", queryset=Membership.objects.select_related("agency__province").order_by("pk"), to_attr="roles")
    )


def account_list(request):
    """Everyone whose account the user manages: name, agency, role, e-mail, last login (or never),
    active. ?chua-dang-nhap=1 keeps those who never logged in."""
    _managing(request)
    users = _with_roles(access.managed_users(request.user)).order_by("last_name", "first_name", "username")
    never = request.GET.get("chua-dang-nhap") == "1"
    if never:
        users = users.filter(last_login__isnull=True)
    rows = [{"user": user, "roles": [(m.agency, label_of(Membership.Role, m.role)) for m in user.roles]} for user in users]
    return render(request, "accounts/account_list.html", {"rows": rows, "never": never})


def account_detail(request, pk):
    _managing(request)
    person = get_object_or_404(_with_roles(access.managed_users(request.user)), pk=pk)
    context = {
        "person": person,
        "roles": [(m.agency, label_of(Membership.Role, m.role)) for m in person.roles],
        "codes_left": two_factor.backup_codes_left(person),
        "is_self": person.pk == request.user.pk,
    }
    return render(request, "accounts/account_detail.html", context)


def account_create(request):
    _managing(request)
    form = AccountForm(request.POST or None, user=request.user, province=request.GET.get("tinh"))
    if form.is_valid():
        try:
            (person,) = services.create_accounts(request.user, [form.row])
        except services.AccountError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Đã tạo tài khoản %(username)s và gửi thư mời đặt mật khẩu đến %(email)s.")
                             % {"username": person.username, "email": person.email})  # fmt: skip
            return redirect("account_detail", pk=person.pk)
    return render(request, "accounts/account_form.html", {"form": form})


IMPORT_SALT = "papi.account-import"


def account_import(request):
    """Many accounts from an Excel list: upload, read every row's problems, then save all or nothing.
    The rows travel to the confirm step signed; they are checked again before anything is saved."""
    _managing(request)
    form, rows, payload = AccountImportForm(), None, ""
    if request.method == "POST" and "payload" in request.POST:
        try:
            raw = signed_preview.load(request.POST["payload"], IMPORT_SALT)
        except signed_preview.InvalidPreview:
            return signed_preview.refused()
        rows = [services.AccountRow(*fields) for fields in raw]
        try:
            users = services.create_accounts(request.user, rows)
        except services.AccountError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Đã tạo %(count)s tài khoản và gửi thư mời đặt mật khẩu.") % {"count": len(users)})
            return redirect(reverse("account_list") + "?chua-dang-nhap=1")
    elif request.method == "POST":
        form = AccountImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                rows = services.read_list(form.cleaned_data["file"].read())
            except services.AccountError as error:
                form.add_error("file", str(error))
            else:
                typed = [row.as_fields() for row in rows]  # as in the file: user names are made again on saving
                services.check_rows(request.user, rows)
                if not any(row.errors for row in rows):
                    payload = signed_preview.sign(typed, IMPORT_SALT)
    context = {
        "form": form,
        "rows": [_preview(row) for row in rows] if rows is not None else None,
        "error_count": sum(1 for row in rows if row.errors) if rows else 0,
        "payload": payload,
    }
    return render(request, "accounts/account_import.html", context)


def _preview(row):
    errors = dict.fromkeys(("agency", "full_name", "email", "role", "username"), "")
    for column, message in row.errors:
        errors[column] = f"{errors[column]} {message}".strip()
    return {"row": row, "errors": errors, "role": label_of(Membership.Role, row.role) if row.role else row.role_text}


def account_import_template(request):
    _managing(request)
    response = HttpResponse(
        services.list_template(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="danh-sach-tai-khoan.xlsx"'
    return response


@require_POST
def account_set_active(request, pk):
    _managing(request)
    person = access.get_managed_user(request.user, pk)
    active = request.POST.get("active") == "1"
    try:
        services.set_active(request.user, person, active)
    except services.AccountError as error:
        messages.error(request, str(error))
    else:
        done = _("Đã mở lại tài khoản %(username)s.") if active else _("Đã khóa tài khoản %(username)s.")
        messages.success(request, done % {"username": person.username})
    return redirect("account_detail", pk=person.pk)


@require_POST
def account_invite(request, pk):
    _managing(request)
    person = access.get_managed_user(request.user, pk)
    try:
        services.resend_invitation(request.user, person)
    except services.AccountError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Đã gửi lại thư mời đến %(email)s.") % {"email": person.email})
    return redirect("account_detail", pk=person.pk)


def account_reset_two_factor(request, pk):
    """A confirmation page: the coordinator resets a user's second factor only after checking,
    offline, that the person asking is that user."""
    _managing(request)
    person = access.get_managed_user(request.user, pk)
    refusal = None
    if request.method == "POST":
        if request.POST.get("identity_checked") != "1":
            refusal = _("Hãy xác nhận đã kiểm tra danh tính người yêu cầu.")
        else:
            try:
                removed = services.reset_two_factor(request.user, person)
            except services.AccountError as error:
                refusal = str(error)
            else:
                messages.success(request, _("Đã đặt lại xác thực hai lớp của %(username)s (%(count)s thiết bị đã gỡ). "
                                            "Người này thiết lập lại ở lần đăng nhập sau.")
                                 % {"username": person.username, "count": removed})  # fmt: skip
                return redirect("account_detail", pk=person.pk)
    return render(request, "accounts/account_reset_two_factor.html", {"person": person, "refusal": refusal})
