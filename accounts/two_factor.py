"""Two-factor login (TOTP, django-otp), its rules in one place: who must use it, which step a
session still has to pass, enrolling, checking a code, replacing and removing a device, and the
ten backup codes (django-otp's static device: each code works once) for a lost phone.

A session passes the second step through django_otp.login: OTPMiddleware then finds the device
on every request (request.user.is_verified()), and a device removed by an administrator ends
that at once. Views and accounts.middleware call these functions; they decide nothing else.
"""

import base64
import math
import time
from dataclasses import dataclass

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from plans import access

# The two steps, by URL name.
ENROL, VERIFY = "two_factor_setup", "two_factor_verify"
# The secret being enrolled lives in the session until a code confirms it: no half-made
# device is ever stored, and only a confirmed device counts.
PENDING = "papi_two_factor_pending"
DEVICE_NAME = "Ứng dụng xác thực"
BACKUP_NAME = "Mã dự phòng"
BACKUP_COUNT = 10


class TwoFactorError(Exception):
    """A refusal, with its message for the user."""


def is_required(user):
    """Administrators and coordinators must use a second factor (unless TWO_FACTOR_REQUIRED is off)."""
    if not settings.TWO_FACTOR_REQUIRED or not user.is_authenticated:
        return False
    return access.administers_or_coordinates(user)


def is_verified(user):
    """Whether this session passed the second step (the device django_otp found for it)."""
    return getattr(user, "otp_device", None) is not None


def confirmed_device(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def next_step(user):
    """The URL name of the step this session still has to pass, or None: the code when the
    user has a confirmed device (whatever their role), enrolment when their role requires a
    device and they have none."""
    if not user.is_authenticated or is_verified(user):
        return None
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return VERIFY
    return ENROL if is_required(user) else None


def _normalise(code):
    return "".join(str(code).split())


def _throttled(device):
    """The refusal when wrong codes make this device wait, else None."""
    allowed, details = device.verify_is_allowed()
    if allowed:
        return None
    seconds = max(1, math.ceil((details["locked_until"] - timezone.now()).total_seconds()))
    return ngettext(
        "Đã nhập sai mã nhiều lần. Hãy thử lại sau %(seconds)d giây.",
        "Đã nhập sai mã nhiều lần. Hãy thử lại sau %(seconds)d giây.",
        seconds,
    ) % {"seconds": seconds}


def check_code(user, code):
    """The user's device that `code` is good for: the confirmed TOTP device for its current code,
    or the backup-code device for one of its unused codes (which is then used up); TwoFactorError
    otherwise. A code that is not six digits is taken for a backup code when the user has any.
    Each wrong code makes the next try on that device wait twice as long (1, 2, 4… seconds): the
    device remembers the failures, so they count across sessions and addresses."""
    device = confirmed_device(user)
    if device is None:
        raise TwoFactorError(_("Tài khoản chưa bật xác thực hai lớp."))
    code = _normalise(code)
    backup = None if (code.isascii() and code.isdigit() and len(code) == 6) else backup_device(user)
    if backup is not None:
        return _check_backup_code(backup, code)
    with transaction.atomic():  # the failure count is written even when the code is wrong
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        refusal = _throttled(device)
        if refusal is None and not device.verify_token(code):
            refusal = _("Mã xác thực không đúng hoặc đã hết hạn. Hãy nhập mã đang hiển thị trong ứng dụng.")
    if refusal:
        raise TwoFactorError(refusal)
    return device


def _check_backup_code(backup, code):
    with transaction.atomic():
        backup = StaticDevice.objects.select_for_update().get(pk=backup.pk)
        refusal = _throttled(backup)
        if refusal is None and not backup.verify_token(_backup_form(code)):  # a right code is deleted
            refusal = _("Mã dự phòng không đúng hoặc đã được dùng.")
    if refusal:
        raise TwoFactorError(refusal)
    return backup


def backup_device(user):
    return StaticDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def backup_codes_left(user):
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def _backup_form(code):
    """As stored: lower case, without the hyphen shown in the middle."""
    return code.replace("-", "").lower()


@transaction.atomic
def new_backup_codes(user):
    """Ten new backup codes, replacing any left: returned once, to be shown once. The device
    itself stays, so a session that passed the second step with one of its codes stays passed."""
    device = backup_device(user)
    if device is None:
        device = StaticDevice.objects.create(user=user, name=BACKUP_NAME, confirmed=True)
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _i in range(BACKUP_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])  # figures: unchanged
    return [f"{code[:4]}-{code[4:]}" for code in codes]


def first_backup_codes(user):
    """At enrolment: ten codes when the user has none yet (a replaced phone keeps the old ones),
    else None."""
    return None if backup_device(user) is not None else new_backup_codes(user)


def pass_second_step(request, device):
    """Mark the session as having passed the second step, under a new session key."""
    request.session.cycle_key()
    otp_login(request, device)


def verify_session(request, code):
    pass_second_step(request, check_code(request.user, code))


@dataclass(frozen=True)
class Enrolment:
    qr_data_uri: str  # the otpauth:// address as an SVG QR code, for the <img> the CSP allows
    secret: str  # the same key in base32, in groups of four, for typing into the app
    replaces: int | None  # the device it will replace, if any


def pending_enrolment(request):
    """The enrolment under way in this session, or None."""
    pending = request.session.get(PENDING)
    if pending is None:
        return None
    device = TOTPDevice(user=request.user, key=pending["key"])  # not saved: only for its address
    svg = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, border=2).to_string()
    secret = base64.b32encode(device.bin_key).decode()
    return Enrolment(
        qr_data_uri="data:image/svg+xml;base64," + base64.b64encode(svg).decode(),
        secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        replaces=pending["replaces"],
    )


def start_enrolment(request, replacing=None):
    """A new secret for this session to enrol. Replacing a device takes its current code
    (check_code first): a session alone must not be enough to swap the second factor."""
    request.session[PENDING] = {"key": random_hex(20), "replaces": replacing.pk if replacing else None}


def cancel_enrolment(request):
    request.session.pop(PENDING, None)


@transaction.atomic
def confirm_enrolment(request, code):
    """Store the device being enrolled once `code` shows the app has its secret; it replaces
    the user's previous device, and the session counts as verified."""
    user, pending = request.user, request.session.get(PENDING)
    current = confirmed_device(user)
    if pending is None or pending["replaces"] != (current.pk if current else None):
        cancel_enrolment(request)
        raise TwoFactorError(_("Phiên đăng ký đã hết hạn. Hãy quét lại mã QR mới."))
    key = pending["key"]
    totp = TOTP(bytes.fromhex(key))
    totp.time = time.time()
    code = _normalise(code)
    if not (code.isascii() and code.isdigit() and totp.verify(int(code), tolerance=1)):
        raise TwoFactorError(_("Mã không khớp. Hãy kiểm tra giờ trên điện thoại và nhập mã đang hiển thị."))
    TOTPDevice.objects.filter(user=user).delete()
    # last_t: the code just typed cannot be used again to log in.
    device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, key=key, confirmed=True, last_t=totp.t())
    cancel_enrolment(request)
    pass_second_step(request, device)
    return device


def remove_device(request, code):
    """Turn two-factor login off, with the current code; refused where the role requires it."""
    if is_required(request.user):
        raise TwoFactorError(_("Vai trò của bạn bắt buộc xác thực hai lớp: bạn có thể thay thiết bị nhưng không thể tắt."))
    check_code(request.user, code)
    TOTPDevice.objects.filter(user=request.user).delete()
    StaticDevice.objects.filter(user=request.user).delete()
    request.session.pop(DEVICE_ID_SESSION_KEY, None)
    cancel_enrolment(request)


def reset(user):
    """Recovery, by an administrator or the user's coordinator after checking who asks (offline):
    the user's devices go, the authenticator and the backup codes; they enrol again at their next
    login (at once where their role requires it). Returns how many devices were removed."""
    _total, by_model = TOTPDevice.objects.filter(user=user).delete()
    _total, static = StaticDevice.objects.filter(user=user).delete()
    return by_model.get(TOTPDevice._meta.label, 0) + static.get(StaticDevice._meta.label, 0)
