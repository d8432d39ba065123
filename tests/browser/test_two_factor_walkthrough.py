"""A coordinator's first login with two-factor login required: enrol, then the code step."""

import base64
import time

import pytest
from django_otp.oath import TOTP

from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.real_two_factor]


def code(secret, steps_ahead=0):
    totp = TOTP(base64.b32decode(secret.replace(" ", "")))
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def test_a_coordinator_enrols_at_the_first_login_and_types_a_code_at_the_next(demo_data, page, shoot):
    log_in(page, "snv.angiang", start="/dang-nhap/?next=/quan-tri/")
    assert "/tai-khoan/xac-thuc-hai-lop/" in page.url
    assert "bắt buộc xác thực hai lớp" in page.inner_text("main")
    assert page.locator("img.qr").evaluate("img => img.naturalWidth") > 0  # the SVG data URI renders
    shoot(page, "two-factor-01-enrol")
    secret = page.inner_text("code.secret")
    page.fill("#id_code", code(secret))
    page.get_by_role("button", name="Xác nhận và bật").click()
    page.wait_for_selector("ol.backup-codes")  # ten backup codes, shown this once
    assert page.locator("ol.backup-codes li").count() == 10
    shoot(page, "two-factor-01b-backup-codes")
    page.get_by_role("link", name="Đã cất giữ mã: tiếp tục").click()
    page.wait_for_url(lambda url: url.endswith("/quan-tri/"))

    page.goto("/")
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url(lambda url: "/dang-nhap/" in url)
    log_in(page, "snv.angiang", start="/dang-nhap/?next=/quan-tri/")
    assert "/dang-nhap/ma-xac-thuc/" in page.url
    shoot(page, "two-factor-02-code-step")
    page.fill("#id_code", code(secret, steps_ahead=1))  # the enrolment's code cannot be used again
    page.get_by_role("button", name="Xác nhận").click()
    page.wait_for_url(lambda url: url.endswith("/quan-tri/"))
    assert page.csp_violations == []
