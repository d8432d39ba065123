"""A plan's public page: An Giang's coordinator publishes the plan from its page (with the
confirmation), a citizen without an account opens it from the index on a phone (390 px, no
sideways scroll) and sees it laid out for print; after "Ngừng công khai" the page is gone.
Screenshots in test-artifacts/screenshots/public-*.png."""

import pytest

from plans.models import Plan
from reporting.demo import load_demo_reports
from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_a_coordinator_publishes_and_a_citizen_reads_on_a_phone(demo_data, page, shoot):
    plan = Plan.objects.get(document_number="179/KH-UBND")
    load_demo_reports(plan)
    log_in(page, "snv.angiang")
    page.goto(f"/ke-hoach/{plan.pk}/")
    page.get_by_text("Công khai kế hoạch", exact=True).click()  # the confirmation opens
    shoot(page, "public-confirm")
    page.get_by_role("button", name="Xác nhận công khai").click()
    page.wait_for_selector("text=Xem trang công khai")

    page.context.clear_cookies()  # a citizen: no account
    page.set_viewport_size(PHONE)
    page.goto("/cong-khai/")
    shoot(page, "public-index")
    page.get_by_role("link", name="179/KH-UBND", exact=False).click()
    page.wait_for_selector("h1")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.get_by_text("Tình hình thực hiện nhiệm vụ").is_visible()
    assert not page.csp_violations
    shoot(page, "public-plan-phone")
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    assert not page.locator(".topbar").is_visible()
    widest = page.evaluate("""() => [...document.querySelectorAll('main *')]
        .map(e => [e.getBoundingClientRect().right, e.tagName + '.' + e.className]).sort((a, b) => b[0] - a[0])[0]""")
    assert page.evaluate("document.documentElement.scrollWidth") <= 794, widest
    shoot(page, "public-plan-print")
    page.emulate_media(media="screen")

    log_in(page, "snv.angiang")
    page.goto(f"/ke-hoach/{plan.pk}/")
    page.get_by_text("Ngừng công khai", exact=True).click()
    page.get_by_role("button", name="Xác nhận ngừng công khai").click()
    page.wait_for_selector("text=Đã ngừng công khai")
    page.context.clear_cookies()
    assert page.goto(f"/cong-khai/{plan.pk}/").status == 404
