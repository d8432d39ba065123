"""Backup codes (django-otp's static device): ten, shown once at enrolment and when made again,
each good once at the second step in place of the app's code."""

import re

import pytest
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from tests.test_two_factor import code, enrolled, is_verified, log_in, pending_device

pytestmark = [pytest.mark.django_db, pytest.mark.real_two_factor]

SETUP, VERIFY = reverse("two_factor_setup"), reverse("two_factor_verify")
CODE = re.compile(r"(?<![\w/-])[a-z2-7]{4}-[a-z2-7]{4}(?![\w/-])")  # not "/dang-xuat/", "one-time-code"


def test_enrolment_shows_ten_codes_once_then_goes_on(client, lead_reporter):
    log_in(client, lead_reporter)
    client.get(SETUP)
    response = client.post(SETUP, {"action": "confirm", "code": code(pending_device(client, lead_reporter))})
    assert response.status_code == 200  # the codes, in this answer alone, with the way on to the page asked for
    page = response.text
    codes = [f"{t[:4]}-{t[4:]}" for t in StaticToken.objects.filter(device__user=lead_reporter).values_list("token", flat=True)]
    assert len(set(codes)) == 10 and all(c in page for c in codes) and "chỉ hiển thị lần này" in page
    assert f'href="{reverse("home")}">Đã cất giữ mã: tiếp tục' in page
    assert not any(c in str(dict(client.session)) for c in codes)  # never kept in the session
    again = client.get(reverse("home")).text + client.get(SETUP).text
    assert not any(c in again for c in codes)  # shown once
    assert "Còn 10 mã dự phòng chưa dùng." in client.get(SETUP).text


def test_a_backup_code_passes_the_second_step_once(client, coordinator):
    enrolled(coordinator)
    codes = two_factor.new_backup_codes(coordinator)
    log_in(client, coordinator)
    assert client.post(VERIFY, {"code": codes[0].upper()})["Location"] == reverse("home")
    assert is_verified(client) and client.get(reverse("home")).status_code == 200
    client.logout()
    log_in(client, coordinator)
    refused = client.post(VERIFY, {"code": codes[0]})
    assert refused.status_code == 200 and "Mã dự phòng không đúng hoặc đã được dùng." in refused.text
    assert not is_verified(client)
    StaticDevice.objects.filter(user=coordinator).update(throttling_failure_timestamp=None)  # past the wait
    assert client.post(VERIFY, {"code": codes[1].replace("-", "")})["Location"] == reverse("home")
    assert StaticToken.objects.filter(device__user=coordinator).count() == 8


def test_a_wrong_backup_code_does_not_make_the_apps_code_wait(client, coordinator):
    device = enrolled(coordinator)
    two_factor.new_backup_codes(coordinator)
    log_in(client, coordinator)
    client.post(VERIFY, {"code": "aaaa-aaaa"})
    assert client.post(VERIFY, {"code": code(device)})["Location"] == reverse("home")


def test_new_codes_take_a_current_code_and_replace_the_old_ones(client, coordinator):
    device = enrolled(coordinator)
    old = two_factor.new_backup_codes(coordinator)
    log_in(client, coordinator)
    client.post(VERIFY, {"code": code(device)})
    refused = client.post(SETUP, {"action": "backup_codes", "code": "000000" if code(device, 1) != "000000" else "111111"})
    assert refused.status_code == 200 and not set(CODE.findall(refused.text)) - set(old)
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
    page = client.post(SETUP, {"action": "backup_codes", "code": code(device, steps_ahead=1)})
    new = CODE.findall(page.text)
    assert page.status_code == 200 and len(set(new)) == 10 and not set(new) & set(old)
    assert is_verified(client)  # the session stays verified
    client.logout()
    log_in(client, coordinator)
    assert client.post(VERIFY, {"code": old[0]}).status_code == 200
    StaticDevice.objects.filter(user=coordinator).update(throttling_failure_timestamp=None)
    assert client.post(VERIFY, {"code": new[0]})["Location"] == reverse("home")


def test_a_lost_phone_is_replaced_with_a_backup_code(client, coordinator):
    enrolled(coordinator)
    codes = two_factor.new_backup_codes(coordinator)
    log_in(client, coordinator)
    client.post(VERIFY, {"code": codes[0]})
    assert client.post(SETUP, {"action": "replace", "code": codes[1]})["Location"] == SETUP
    new = pending_device(client, coordinator)
    client.post(SETUP, {"action": "confirm", "code": code(new)})
    assert list(TOTPDevice.objects.filter(user=coordinator).values_list("key", flat=True)) == [new.key]
    assert StaticToken.objects.filter(device__user=coordinator).count() == 8  # a new phone keeps the codes left


def test_the_verify_page_mentions_backup_codes(client, coordinator):
    enrolled(coordinator)
    log_in(client, coordinator)
    assert "mã dự phòng" in client.get(VERIFY).text
