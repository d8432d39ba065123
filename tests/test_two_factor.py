"""Two-factor login (TOTP): required for administrators and coordinators, open to everyone.

These tests get the real second step (real_two_factor): elsewhere tests/conftest.py passes it
for every login.
"""

import base64
import datetime
import time
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from plans.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.real_two_factor]

SETUP, VERIFY = reverse("two_factor_setup"), reverse("two_factor_verify")


def code(device, steps_ahead=0):
    """The device's code now (or a step later: a code once used cannot log in again)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def enrolled(user):
    return TOTPDevice.objects.create(user=user, name="Điện thoại", confirmed=True)


def log_in(client, user, next_url=None, address="10.0.0.1"):
    data = {"username": user.username, "password": DEMO_PASSWORD} | ({"next": next_url} if next_url else {})
    return client.post(reverse("login"), data, REMOTE_ADDR=address)


def to(step, next_url):
    return f"{step}?{urlencode({'next': next_url})}"


def pending_device(client, user):
    """The device being enrolled in this client's session, to compute its codes."""
    return TOTPDevice(user=user, key=client.session[two_factor.PENDING]["key"])


def is_verified(client):
    return DEVICE_ID_SESSION_KEY in client.session


@pytest.fixture
def pages(an_giang_plan):
    return [reverse("home"), reverse("plan_detail", args=[an_giang_plan.pk]), reverse("admin:index")]


# Who is asked for what


@pytest.mark.parametrize("role", ["administrator", "coordinator"])
def test_administrators_and_coordinators_without_a_device_are_sent_to_enrol_from_every_page(client, request, role, pages):
    client.force_login(request.getfixturevalue(role))
    for url in pages:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == to(SETUP, url), url
    page = client.get(SETUP)
    assert page.status_code == 200 and "bắt buộc xác thực hai lớp" in page.text


@pytest.mark.parametrize("role", ["administrator", "coordinator"])
def test_with_a_device_they_are_sent_to_the_code_step_and_not_to_enrolment(client, request, role, pages):
    user = request.getfixturevalue(role)
    enrolled(user)
    client.force_login(user)
    for url in [*pages, SETUP]:  # enrolment too: a password alone must not swap the device
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == to(VERIFY, url), url


@pytest.mark.parametrize("role", ["lead_reporter", "viewer"])
def test_reporters_and_viewers_are_not_forced(client, request, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("home")).status_code == 200


@override_settings(TWO_FACTOR_REQUIRED=False)
def test_with_the_requirement_off_a_coordinator_may_go_without_but_a_device_still_asks(client, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("home")).status_code == 200
    enrolled(coordinator)
    assert client.get(reverse("home"))["Location"] == to(VERIFY, reverse("home"))


def test_the_health_check_logout_and_language_switch_work_before_the_second_step(client, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("health")).status_code == 200
    switched = client.post(reverse("set_language"), {"language": "en", "next": SETUP})
    assert switched.status_code == 302 and switched["Location"] == SETUP
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert client.get(reverse("home"))["Location"].startswith(reverse("login"))


def test_the_requirement_is_on_by_default_and_the_middleware_in_its_place(settings):
    assert settings.TWO_FACTOR_REQUIRED is True
    middleware = settings.MIDDLEWARE
    auth = middleware.index("django.contrib.auth.middleware.AuthenticationMiddleware")
    otp = middleware.index("django_otp.middleware.OTPMiddleware")
    assert auth < otp < middleware.index("accounts.middleware.TwoFactorMiddleware")
    assert middleware[-1] == "axes.middleware.AxesMiddleware"
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"


# The code step


def test_after_the_password_the_code_step_then_the_page_asked_for(client, coordinator, an_giang_plan):
    device = enrolled(coordinator)
    plan_url = reverse("plan_detail", args=[an_giang_plan.pk])
    response = log_in(client, coordinator, next_url=plan_url)
    assert response.status_code == 302 and response["Location"] == to(VERIFY, plan_url)
    page = client.get(response["Location"])
    assert page.status_code == 200 and "Xác thực hai lớp" in page.text and 'autocomplete="one-time-code"' in page.text

    wrong = client.post(VERIFY, {"code": "000000" if code(device) != "000000" else "111111", "next": plan_url})
    assert wrong.status_code == 200 and "Mã xác thực không đúng hoặc đã hết hạn" in wrong.text
    assert not is_verified(client)

    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)  # past the wait
    right = client.post(VERIFY, {"code": code(device), "next": plan_url})
    assert right.status_code == 302 and right["Location"] == plan_url
    assert is_verified(client) and client.get(plan_url).status_code == 200
    assert client.get(VERIFY)["Location"] == reverse("home")  # passed: nothing more to ask


def test_an_off_site_next_is_not_followed(client, coordinator):
    device = enrolled(coordinator)
    log_in(client, coordinator)
    response = client.post(VERIFY, {"code": code(device), "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_a_used_code_does_not_log_in_twice(client, coordinator):
    device = enrolled(coordinator)
    used = code(device)
    log_in(client, coordinator)
    assert client.post(VERIFY, {"code": used})["Location"] == reverse("home")
    client.logout()
    log_in(client, coordinator)
    assert client.post(VERIFY, {"code": used}).status_code == 200  # refused: replayed


def test_wrong_codes_make_the_next_try_wait_longer_each_time(client, coordinator):
    device = enrolled(coordinator)
    log_in(client, coordinator)
    client.post(VERIFY, {"code": "12345x"})
    refused = client.post(VERIFY, {"code": code(device)})  # the right code, but too soon
    assert refused.status_code == 200 and "Đã nhập sai mã nhiều lần. Hãy thử lại sau 1 giây." in refused.text
    assert not is_verified(client)
    # After five failures in a row the wait is 16 seconds, whatever the code.
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=5, throttling_failure_timestamp=timezone.now())
    assert "Hãy thử lại sau 16 giây." in client.post(VERIFY, {"code": code(device)}).text
    # Once the wait is over, the right code lets them in and the count starts again.
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=timezone.now() - datetime.timedelta(seconds=17))
    assert client.post(VERIFY, {"code": code(device)})["Location"] == reverse("home")
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_a_locked_out_password_step_still_locks_before_any_code(client, coordinator):
    enrolled(coordinator)
    for _ in range(4):
        assert client.post(reverse("login"), {"username": coordinator.username, "password": "sai"}).status_code == 200
    assert client.post(reverse("login"), {"username": coordinator.username, "password": "sai"}).status_code == 429
    assert log_in(client, coordinator, address="127.0.0.1").status_code == 429  # the right password too
    assert log_in(client, coordinator, address="10.0.0.9")["Location"] == to(VERIFY, reverse("home"))


# Enrolment


def test_a_reporter_enrols_voluntarily_and_is_asked_for_the_code_at_the_next_login(client, lead_reporter):
    log_in(client, lead_reporter)
    page = client.get(SETUP)
    assert page.status_code == 200 and "quét mã QR" in page.text
    device = pending_device(client, lead_reporter)
    response = client.post(SETUP, {"action": "confirm", "code": code(device)})
    assert response.status_code == 200 and "Đã cất giữ mã: tiếp tục" in response.text  # then its backup codes
    saved = TOTPDevice.objects.get(user=lead_reporter)
    assert saved.confirmed and saved.key == device.key and is_verified(client)
    assert "Đang bật" in client.get(SETUP).text

    client.logout()
    assert log_in(client, lead_reporter)["Location"] == to(VERIFY, reverse("home"))
    assert client.get(reverse("home"))["Location"] == to(VERIFY, reverse("home"))
    assert client.post(VERIFY, {"code": code(saved, steps_ahead=1)})["Location"] == reverse("home")


def test_enrolment_is_confirmed_only_by_the_right_code(client, coordinator):
    client.force_login(coordinator)
    client.get(SETUP)
    device = pending_device(client, coordinator)
    wrong = client.post(SETUP, {"action": "confirm", "code": "000000" if code(device) != "000000" else "111111"})
    assert wrong.status_code == 200 and "Mã không khớp" in wrong.text
    assert not TOTPDevice.objects.filter(user=coordinator).exists()
    assert client.get(reverse("home"))["Location"] == to(SETUP, reverse("home"))  # still not in
    response = client.post(SETUP, {"action": "confirm", "code": code(device), "next": reverse("admin:index")})
    assert f'href="{reverse("admin:index")}">Đã cất giữ mã: tiếp tục' in response.text  # after its backup codes
    assert client.get(reverse("admin:index")).status_code == 200


def test_the_qr_code_is_an_inline_svg_image_and_the_page_has_no_script_or_inline_style(client, viewer):
    client.force_login(viewer)
    page = client.get(SETUP)
    prefix = 'src="data:image/svg+xml;base64,'
    assert prefix in page.text
    data = page.text.split(prefix, 1)[1].split('"', 1)[0]
    svg = base64.b64decode(data).decode()
    assert svg.startswith("<svg") and "</svg>" in svg and "<script" not in svg
    assert "<script" not in page.text and "style=" not in page.text
    assert "script-src 'self'" in page["Content-Security-Policy"]
    secret = base64.b32encode(pending_device(client, viewer).bin_key).decode()
    assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in page.text  # to type by hand


def test_the_address_in_the_qr_code_names_the_app_and_the_user(viewer):
    device = TOTPDevice(user=viewer, key="00" * 20)
    assert device.config_url.startswith("otpauth://totp/PAPI%20Tracker%3Alanhdao.angiang?secret=")
    assert "issuer=PAPI%20Tracker" in device.config_url


def test_replacing_a_device_takes_the_current_code_then_one_from_the_new_app(client, coordinator):
    old = enrolled(coordinator)
    log_in(client, coordinator)
    client.post(VERIFY, {"code": code(old)})
    assert "Thay thiết bị" in client.get(SETUP).text and "Tắt xác thực" not in client.get(SETUP).text
    refused = client.post(SETUP, {"action": "replace", "code": "99999x"})
    assert refused.status_code == 200 and two_factor.PENDING not in client.session
    TOTPDevice.objects.filter(pk=old.pk).update(throttling_failure_timestamp=None)
    assert client.post(SETUP, {"action": "replace", "code": code(old, steps_ahead=1)})["Location"] == SETUP
    assert "Thiết bị cũ vẫn dùng được" in client.get(SETUP).text
    new = pending_device(client, coordinator)
    client.post(SETUP, {"action": "confirm", "code": code(new)})
    assert list(TOTPDevice.objects.filter(user=coordinator).values_list("key", flat=True)) == [new.key]
    assert is_verified(client) and client.get(reverse("home")).status_code == 200


def test_a_required_role_cannot_remove_its_device(client, coordinator):
    device = enrolled(coordinator)
    log_in(client, coordinator)
    client.post(VERIFY, {"code": code(device)})
    response = client.post(SETUP, {"action": "remove", "code": code(device, steps_ahead=1)})
    assert response.status_code == 200 and "không thể tắt" in response.text
    assert TOTPDevice.objects.filter(user=coordinator).exists()


def test_a_reporter_removes_their_device_with_its_current_code(client, lead_reporter):
    device = enrolled(lead_reporter)
    log_in(client, lead_reporter)
    client.post(VERIFY, {"code": code(device)})
    assert client.post(SETUP, {"action": "remove", "code": "12345x"}).status_code == 200
    assert TOTPDevice.objects.filter(user=lead_reporter).exists()
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
    assert client.post(SETUP, {"action": "remove", "code": code(device, steps_ahead=1)})["Location"] == SETUP
    assert not TOTPDevice.objects.filter(user=lead_reporter).exists()
    assert client.get(reverse("home")).status_code == 200


def test_nobody_sees_or_removes_another_users_device(client, coordinator, lead_reporter):
    theirs = enrolled(coordinator)
    client.force_login(lead_reporter)
    page = client.get(SETUP)
    assert theirs.key not in page.text and base64.b32encode(theirs.bin_key).decode()[:8] not in page.text
    response = client.post(SETUP, {"action": "remove", "code": code(theirs), "device": theirs.pk})
    assert "chưa bật xác thực hai lớp" in response.text
    assert TOTPDevice.objects.filter(pk=theirs.pk).exists()


# Recovery


def test_an_administrator_resets_a_coordinators_device_in_the_admin(client, administrator, coordinator):
    lost = enrolled(coordinator)
    coordinator_client = type(client)()
    log_in(coordinator_client, coordinator)
    coordinator_client.post(VERIFY, {"code": code(lost)})
    assert coordinator_client.get(reverse("home")).status_code == 200

    admin_device = enrolled(administrator)
    log_in(client, administrator, address="10.0.0.2")
    client.post(VERIFY, {"code": code(admin_device)})
    changelist = client.get(reverse("admin:otp_totp_totpdevice_changelist"))
    assert changelist.status_code == 200 and coordinator.username in changelist.text
    change = client.get(reverse("admin:otp_totp_totpdevice_change", args=[lost.pk]))
    assert lost.key not in change.text  # no secret shown
    client.post(reverse("admin:otp_totp_totpdevice_delete", args=[lost.pk]), {"post": "yes"})
    assert not TOTPDevice.objects.filter(pk=lost.pk).exists()
    # The coordinator's session loses its second step at once: they enrol a new phone.
    assert coordinator_client.get(reverse("home"))["Location"] == to(SETUP, reverse("home"))


def test_coordinators_do_not_see_devices_in_the_admin(client, coordinator):
    device = enrolled(coordinator)
    log_in(client, coordinator)
    client.post(VERIFY, {"code": code(device)})
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:otp_totp_totpdevice_changelist")).status_code == 404
    assert client.get(reverse("admin:otp_totp_totpdevice_delete", args=[device.pk])).status_code == 404


def test_the_command_resets_a_device_when_no_administrator_can_log_in(administrator, capsys):
    enrolled(administrator)
    call_command("reset_two_factor", "admin")
    assert not TOTPDevice.objects.filter(user=administrator).exists()
    assert "admin: 1 device(s) removed" in capsys.readouterr().out


def test_the_user_menu_links_to_enrolment(client, viewer):
    client.force_login(viewer)
    assert f'href="{SETUP}"' in client.get(reverse("home")).text


def test_only_the_benchmark_marks_a_session_past_the_second_step_without_a_code():
    """The bypass lives in devtools (never installed in production, tests/test_devtools.py):
    no runtime app mentions it, and within devtools only the benchmark uses it."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    users = {
        str(path.relative_to(root))
        for app in ("accounts", "indicators", "plans", "reporting", "papi_tracker", "devtools")
        for path in (root / app).rglob("*.py")
        if "devtools.two_factor" in path.read_text() or "pass_without_code" in path.read_text()
    }
    assert users == {"devtools/two_factor.py", "devtools/benchmark.py"}
