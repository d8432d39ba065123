"""On a phone (390 × 844): a reporter, a coordinator and a viewer open the to-do list, the review
queue, the plan page and the dashboard; none scrolls sideways, and the to-do list's action is on
screen. Every screenshot is also read by axe-core (the shoot fixture). Screenshots in
test-artifacts/screenshots/phone-*.png."""

import pytest

from plans.models import Plan
from reporting.demo import load_demo_reports
from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
FIELDS = "form.report-form :is(input:not([type=hidden]), select, textarea)"
PUT_NEXT_FIELD_UNDER_THE_BAR = f"""(index) => {{
    const fields = [...document.querySelectorAll('{FIELDS}')];
    fields[index - 1].focus({{preventScroll: true}});
    window.scrollBy(0, fields[index].getBoundingClientRect().bottom - window.innerHeight + 4);
}}"""
# The focused element's bottom against the sticky bar's top (a description if it is covered).
HIDDEN_UNDER_STICKY_BAR = """() => {
    const focused = document.activeElement, bar = document.querySelector('.actions.sticky');
    if (!focused || !bar || bar.contains(focused)) return null;
    const box = focused.getBoundingClientRect(), top = bar.getBoundingClientRect().top;
    return box.bottom > top + 1 && box.top < window.innerHeight ? `${focused.name || focused.id}: ${box.bottom} > ${top}` : null;
}"""


def page_width(page):
    return page.evaluate("document.documentElement.scrollWidth")


def test_the_main_pages_fit_a_phone(demo_data, page, shoot):
    an_giang = Plan.objects.get(document_number="179/KH-UBND")
    load_demo_reports(an_giang)
    dak_nong = Plan.objects.exclude(pk=an_giang.pk).get(province__name="Đắk Nông")
    dak_nong_period = dak_nong.periods.order_by("end").last()
    an_giang_period = an_giang.periods.order_by("end").first()
    page.set_viewport_size(PHONE)
    widths = {}

    def visit(name, url=None):
        if url:
            page.goto(url)
        page.wait_for_load_state()
        widths[name] = page_width(page)
        shoot(page, f"phone-{name}")

    # The commune reporter: the to-do list, its first action on screen, then the plan.
    log_in(page, "xa.daknia")
    visit("reporter-home")
    start = page.get_by_role("link", name="Bắt đầu báo cáo").first
    action = start.bounding_box()
    visit("reporter-plan", f"/ke-hoach/{dak_nong.pk}/")

    # The report form: a field reached with Tab is never hidden under the sticky actions bar.
    page.goto("/")
    page.get_by_role("link", name="Bắt đầu báo cáo").first.click()
    page.wait_for_selector("form.report-form .actions.sticky")
    for index in (1, 4, 7, 10):
        # The next field sits just above the window's bottom edge, where the bar is; Tab to it.
        page.evaluate(PUT_NEXT_FIELD_UNDER_THE_BAR, index)
        page.keyboard.press("Tab")
        hidden = page.evaluate(HIDDEN_UNDER_STICKY_BAR)
        assert not hidden, f"focus hidden under the sticky bar: {hidden}"

    # The department: the to-do list (plans), the review queue, the plan, the dashboard.
    log_in(page, "snv.daknong")
    visit("coordinator-home")
    visit("coordinator-inbox", "/viec-can-lam/")
    visit("coordinator-queue", f"/ky-bao-cao/{dak_nong_period.pk}/")
    visit("coordinator-plan", f"/ke-hoach/{dak_nong.pk}/")
    visit("coordinator-dashboard", f"/ke-hoach/{dak_nong.pk}/tong-quan/")

    # The provincial leader reads a plan with reports in every period.
    log_in(page, "lanhdao.angiang")
    visit("viewer-home")
    visit("viewer-queue", f"/ky-bao-cao/{an_giang_period.pk}/")
    visit("viewer-plan", f"/ke-hoach/{an_giang.pk}/")
    visit("viewer-dashboard", f"/ke-hoach/{an_giang.pk}/tong-quan/")

    print("\nwidths at 390 px:", widths, "first action:", action)
    assert action["x"] >= 0 and action["x"] + action["width"] <= PHONE["width"], action
    assert action["y"] + action["height"] <= PHONE["height"], "the first action is below the fold"
    too_wide = {name: width for name, width in widths.items() if width > PHONE["width"]}
    assert not too_wide, f"sideways scrolling at 390 px: {too_wide}"
