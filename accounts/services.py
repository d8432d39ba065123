"""The province's people, managed by its coordinators: creating accounts (one, or many from an
Excel list, all or nothing), inviting them to set a password, deactivating and reactivating,
and resetting a lost second factor. Who may touch which account is decided in accounts.access;
these functions take what it gave and check the rest (the agency, the role, unique names).

The invitation and the forgotten-password e-mail carry the same link: Django's password-reset
token (PasswordResetTokenGenerator), made from the user's password hash, last login and e-mail.
Setting a password changes the hash, so a link works once; it expires after
PASSWORD_RESET_TIMEOUT. A new account has no usable password until then. Both e-mails are sent
by a background task, queued on commit, which makes the token itself: no link is stored.
"""

import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.tasks import task
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from papi_tracker.spreadsheets import SpreadsheetError, read_table
from plans.models import Membership
from plans.plan_import import normalise

from . import access, two_factor

MAX_IMPORT_ROWS = 500
MAX_IMPORT_BYTES = 2 * 1024 * 1024
NAME_MAX_LENGTH = 150  # Django's first_name and last_name
USERNAME_MAX_LENGTH = 150
COLUMNS = [gettext_lazy("Cơ quan"), gettext_lazy("Họ và tên"), gettext_lazy("Thư điện tử"), gettext_lazy("Vai trò"),
           gettext_lazy("Tên đăng nhập (không bắt buộc)")]  # fmt: skip
# How a role may be written in the list (compared without case or diacritics).
ROLE_WORDS = {
    Membership.Role.REPORTER: ["bao cao vien", "bao cao", "reporter"],
    Membership.Role.VIEWER: ["lanh dao", "lanh dao chi xem", "chi xem", "viewer"],
    Membership.Role.COORDINATOR: ["dieu phoi", "dieu phoi so noi vu", "coordinator"],
}
ROLES_BY_WORD = {word: role for role, words in ROLE_WORDS.items() for word in words}

# The user's e-mail column (auth.User.email).
EMAIL_MAX_LENGTH = 254


class Caseless(set):
    """A set of user names that answers `in` and `add` without regard to case."""

    def __init__(self, names=()):
        super().__init__(name.lower() for name in names)

    def __contains__(self, name):
        return super().__contains__(name.lower())

    def add(self, name):
        super().add(name.lower())


class AccountError(Exception):
    """A refusal, with its message for the user."""


# --- checking what a coordinator typed or uploaded ------------------------------------------------


@dataclass
class AccountRow:
    """One account asked for: as typed in the form (agency given) or read from a list (agency_text)."""

    line: int
    agency_text: str
    full_name: str
    email: str
    role_text: str
    username: str = ""
    agency: object = None  # resolved Agency
    role: str = ""
    errors: list = field(default_factory=list)  # (column, message)

    def as_fields(self):
        return [self.line, self.agency_text, self.full_name, self.email, self.role_text, self.username]


def role_from_text(text):
    """A role from its code, its label or a usual wording ("Báo cáo viên", "điều phối")."""
    word = normalise(text)
    if word in ROLES_BY_WORD:
        return ROLES_BY_WORD[word]
    for role in Membership.Role:
        if word in (role.value, normalise(role.label)):
            return role.value
    return ""


def check_rows(by, rows, agencies=None):
    """Fill each row's agency, role and user name, and its errors: the agency must be one the user
    manages, a coordinator belongs to the province's coordinating agency (Sở Nội vụ), e-mail
    addresses and user names are unique among users and within the list. A fixed number of
    queries whatever the number of rows (the agencies, the e-mails, the user names)."""
    User = get_user_model()
    if agencies is None:
        agencies = list(access.managed_agencies(by).select_related("province"))
    by_name = {}
    for agency in agencies:
        for name in {normalise(agency.name), normalise(agency.short_name)} - {""}:
            by_name.setdefault(name, []).append(agency)
    emails = {row.email.strip().lower() for row in rows if row.email.strip()}
    taken_emails = set(User.objects.annotate(address=Lower("email")).filter(address__in=emails).values_list("address", flat=True))
    wanted = {row.username.strip() or username_base(row.email) for row in rows}
    candidates = {f"{base}{suffix}" for base in wanted for suffix in ["", *range(2, 10)]}
    # Compared without case: "Nguyenvana" beside "nguyenvana" would be two people no one tells apart.
    lowered = User.objects.annotate(lowered=Lower("username")).filter(lowered__in={c.lower() for c in candidates})
    taken_names = Caseless(lowered.values_list("lowered", flat=True))
    seen_emails, allowed = set(), {agency.pk for agency in agencies}
    for row in rows:
        _check_row(row, by_name, allowed, taken_emails, seen_emails, taken_names)
    return rows


def _check_row(row, by_name, allowed, taken_emails, seen_emails, taken_names):
    errors = row.errors = []
    row.full_name = " ".join(row.full_name.split())
    row.email = row.email.strip()
    row.username = row.username.strip()
    if row.agency is not None and row.agency.pk not in allowed:
        row.agency = None
        errors.append(("agency", _("Không có cơ quan này trong tỉnh bạn quản lý.")))
    elif row.agency is None:
        found = by_name.get(normalise(row.agency_text), []) if row.agency_text.strip() else []
        if len(found) == 1:
            row.agency = found[0]
        elif found:
            errors.append(("agency", _("Tên cơ quan này có ở nhiều tỉnh: hãy thêm từng người bằng biểu mẫu.")))
        else:
            errors.append(("agency", _("Không có cơ quan này trong tỉnh bạn quản lý.")))
    if not row.full_name:
        errors.append(("full_name", _("Thiếu họ và tên.")))
    elif len(row.full_name) > NAME_MAX_LENGTH:
        errors.append(("full_name", _("Họ và tên dài quá %(count)s ký tự.") % {"count": NAME_MAX_LENGTH}))
    address = row.email.lower()
    try:
        validate_email(row.email)
        if len(row.email) > EMAIL_MAX_LENGTH:  # validate_email takes 320; the column holds 254
            raise ValidationError("too long")
    except ValidationError:
        errors.append(("email", _("Địa chỉ thư điện tử không hợp lệ.")))
    else:
        if address in taken_emails:
            errors.append(("email", _("Địa chỉ thư điện tử này đã có tài khoản.")))
        elif address in seen_emails:
            errors.append(("email", _("Địa chỉ thư điện tử này lặp lại trong danh sách.")))
    seen_emails.add(address)
    row.role = row.role or role_from_text(row.role_text)
    if not row.role:
        errors.append(("role", _("Vai trò phải là báo cáo viên, lãnh đạo (chỉ xem) hoặc điều phối.")))
    elif row.role == Membership.Role.COORDINATOR and row.agency is not None and not row.agency.is_coordinator:
        errors.append(("role", _("Chỉ cán bộ của cơ quan thường trực (Sở Nội vụ) mới có vai trò điều phối.")))
    if row.username:
        try:
            UnicodeUsernameValidator()(row.username)
        except ValidationError:
            errors.append(("username", _("Tên đăng nhập chỉ gồm chữ, số và các dấu @ . + - _")))
        else:
            if len(row.username) > USERNAME_MAX_LENGTH:
                errors.append(("username", _("Tên đăng nhập dài quá %(count)s ký tự.") % {"count": USERNAME_MAX_LENGTH}))
            elif row.username in taken_names:
                errors.append(("username", _("Tên đăng nhập này đã có người dùng.")))
    else:
        base = username_base(row.email)
        row.username = next((f"{base}{s}" for s in ["", *range(2, 10)] if f"{base}{s}" not in taken_names), "")
        if not row.username:
            errors.append(("username", _("Hãy đặt tên đăng nhập.")))
    taken_names.add(row.username)


def username_base(email):
    """A user name from an e-mail address: its part before @, lower case, without diacritics."""
    local = unicodedata.normalize("NFD", email.strip().split("@")[0]).replace("đ", "d").replace("Đ", "D")
    local = "".join(c for c in local if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9._-]+", "", local)[:30] or "nguoidung"


# --- writing ------------------------------------------------------------------------------------


def split_name(full_name):
    """Vietnamese order: the given name is the last word (first_name), the rest the family and
    middle names (last_name), as common_tags.full_name puts them back together."""
    family, _sep, given = full_name.rpartition(" ")
    return given, family


@transaction.atomic
def create_accounts(by, rows):
    """Every row's account and membership, or none: a row with errors (they are checked again here,
    on the data as it is now) saves nothing. Each new user is invited once the whole list is saved."""
    check_rows(by, rows)
    if any(row.errors for row in rows):
        raise AccountError(_("Danh sách còn lỗi: chưa lưu tài khoản nào."))
    User = get_user_model()
    users = []
    for row in rows:
        first, last = split_name(row.full_name)
        user = User(
            username=row.username,
            email=row.email,
            first_name=first,
            last_name=last,
            is_staff=row.role == Membership.Role.COORDINATOR,  # coordinators work in the admin too
        )
        user.set_unusable_password()  # until the invitation's link sets one
        users.append(user)
    try:
        with transaction.atomic():
            User.objects.bulk_create(users)  # figures: unchanged
    except IntegrityError:  # someone took a user name in the meantime
        raise AccountError(_("Một tên đăng nhập vừa được người khác dùng. Hãy thử lại.")) from None
    Membership.objects.bulk_create(  # figures: unchanged (a new account reports nothing yet)
        [Membership(user=user, agency=row.agency, role=row.role) for user, row in zip(users, rows, strict=True)]
    )
    invite(users)
    return users


def invite(users):
    """Queue, on commit, the e-mail that lets each user set a password."""
    ids = [user.pk for user in users]
    transaction.on_commit(lambda: send_link_emails.enqueue("invitation", ids))


def resend_invitation(by, user):
    if user.last_login is not None:
        raise AccountError(_("Người này đã đăng nhập; nếu quên mật khẩu, họ dùng “Quên mật khẩu” ở trang đăng nhập."))
    if not user.is_active:
        raise AccountError(_("Tài khoản đang bị khóa."))
    if not user.email:
        raise AccountError(_("Tài khoản chưa có địa chỉ thư điện tử."))
    invite([user])


def set_active(by, user, active):
    """Deactivate (the user can no longer log in, any open session ends at its next request) or
    reactivate an account. Nobody deactivates their own."""
    if user.pk == by.pk:
        raise AccountError(_("Bạn không thể khóa tài khoản của chính mình."))
    get_user_model().objects.filter(pk=user.pk).update(is_active=active)  # figures: unchanged
    user.is_active = active


def reset_two_factor(by, user):
    """After the coordinator has checked, offline, that the person asking is the user: their
    authenticator and backup codes go, and they enrol again at their next login."""
    if user.pk == by.pk:
        raise AccountError(_("Thiết bị của chính bạn được thay trên trang “Xác thực hai lớp”."))
    return two_factor.reset(user)


# --- the e-mails --------------------------------------------------------------------------------


def password_link(user):
    """The one-time address where the user sets a password (PasswordResetConfirmView)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    path = reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": default_token_generator.make_token(user)})
    return settings.SITE_URL.rstrip("/") + path


def _message(kind, user):
    days = settings.PASSWORD_RESET_TIMEOUT // (24 * 3600)
    values = {"name": f"{user.last_name} {user.first_name}".strip() or user.username, "username": user.username,
              "link": password_link(user), "days": days}  # fmt: skip
    if kind == "invitation":
        memberships = ", ".join(f"{m.agency.name} ({m.agency.province.name})" for m in user.memberships.all())
        subject = _("[PAPI] Tài khoản PAPI Tracker của bạn")
        body = _(
            "Xin chào %(name)s,\n\nSở Nội vụ đã tạo cho bạn một tài khoản PAPI Tracker (%(agencies)s).\n"
            "Tên đăng nhập: %(username)s\n\nHãy đặt mật khẩu tại địa chỉ sau. Địa chỉ chỉ dùng được một lần, "
            "trong %(days)s ngày:\n%(link)s\n\nNếu bạn không chờ thư này, hãy bỏ qua nó."
        ) % {**values, "agencies": memberships}
    else:
        subject = _("[PAPI] Đặt lại mật khẩu PAPI Tracker")
        body = (
            _(
                "Xin chào %(name)s,\n\nCó người (có thể là bạn) đã yêu cầu đặt lại mật khẩu cho tài khoản %(username)s.\n"
                "Hãy đặt mật khẩu mới tại địa chỉ sau. Địa chỉ chỉ dùng được một lần, trong %(days)s ngày:\n%(link)s\n\n"
                "Nếu bạn không yêu cầu, hãy bỏ qua thư này: mật khẩu của bạn không đổi."
            )
            % values
        )
    return EmailMessage(subject, body, to=[user.email])


@task()
def send_link_emails(kind, user_ids):
    """The invitation ("invitation") or the forgotten password's e-mail ("reset") to each active
    user; the token is made here, when the e-mail goes."""
    users = get_user_model().objects.filter(pk__in=user_ids, is_active=True).exclude(email="")
    users = users.prefetch_related("memberships__agency__province")
    with translation.override(settings.LANGUAGE_CODE):
        for user in users:
            _message(kind, user).send()


def reset_email_allowed(email, address):
    """Whether one more "Quên mật khẩu" e-mail may go for this address typed and this client
    address: at most PASSWORD_RESET_LIMIT_PER_HOUR of each an hour, counted in the "limits" cache
    (apart from the figures, which could evict them), whether the address has an account or not
    (so the limit tells nothing either)."""
    limit = settings.PASSWORD_RESET_LIMIT_PER_HOUR
    typed = hashlib.sha256(email.strip().casefold().encode()).hexdigest()
    allowed = True
    for key in (f"papi:reset:email:{typed}", f"papi:reset:client:{address}"):
        cache = caches["limits"]
        cache.add(key, 0, timeout=3600)  # the hour starts with the first request
        try:
            count = cache.incr(key)
        except ValueError:  # expired between the two calls
            cache.set(key, 1, timeout=3600)
            count = 1
        allowed = allowed and count <= limit
    return allowed


# --- the Excel list -----------------------------------------------------------------------------


def read_list(content):
    """The rows of an uploaded list (first sheet; a heading row, then agency, full name, e-mail,
    role and optionally user name). AccountError when the file as a whole cannot be read."""
    if not content:
        raise AccountError(_("Tệp trống."))
    if len(content) > MAX_IMPORT_BYTES:
        raise AccountError(_("Tệp lớn hơn %(size)s MB.") % {"size": MAX_IMPORT_BYTES // (1024 * 1024)})
    try:
        table = read_table("list.xlsx", content, max_rows=MAX_IMPORT_ROWS, max_columns=5, csv_allowed=False)
    except SpreadsheetError as error:
        raise AccountError(str(error)) from None
    rows = [AccountRow(line, *(cells + [""] * 5)[:5]) for line, cells in enumerate(table[1:], start=2) if any(cells)]
    if not rows:
        raise AccountError(_("Danh sách không có dòng nào."))
    return rows


def list_template():
    """A blank list to fill in: the heading row and one example."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Danh sách tài khoản")
    sheet.append([str(column) for column in COLUMNS])
    sheet.append(["Sở Y tế", "Nguyễn Văn A", "nguyenvana@example.gov.vn", "Báo cáo viên", ""])
    for letter, width in zip("ABCDE", (40, 28, 32, 18, 24), strict=True):
        sheet.column_dimensions[letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
