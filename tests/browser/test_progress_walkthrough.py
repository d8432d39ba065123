"""A provincial leader reads the plan's progress and the province's history in Vietnamese and
in English; the numbers on the screen are the data's. Screenshots go to test-artifacts/."""

import re

import pytest

from plans.models import Plan
from reporting import progress
from reporting.demo import load_demo_reports
from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_leader_reads_the_dashboard_and_the_province_in_both_languages(demo_data, page, shoot):
    plan = Plan.objects.get(document_number="179/KH-UBND")
    load_demo_reports(plan)
    expected = progress.plan_progress(plan)
    t, d = expected.tally, expected.discipline

    log_in(page, "lanhdao.angiang")
    # The home opens on the plan's headline, with the dashboard's figures.
    headline = page.locator(f"article.headline[data-plan='{plan.pk}']")
    assert f"{t.completed}/{t.total}" in headline.locator("[data-figure=tasks]").inner_text()
    assert f"{d.sent}/{d.expected}" in headline.locator("[data-figure=reporting]").inner_text()
    shoot(page, "29-leader-home")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shoot(page, "29-leader-home-390")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.locator("table.plans").get_by_role("link", name="179/KH-UBND").click()
    page.click("text=Tổng quan tiến độ")
    page.wait_for_url(re.compile(r"/ke-hoach/\d+/tong-quan/$"))
    assert page.locator("[data-figure=completed] .big").inner_text() == f"{t.completed}/{t.total}"
    assert page.locator("[data-figure=overdue] .big").inner_text() == str(t.overdue)
    assert page.locator("[data-figure=reporting_rate] .big").inner_text() == f"{d.sent}/{d.expected}"
    assert f"tỷ lệ báo cáo {d.reporting_rate}\u00a0%" in page.inner_text("[data-figure=reporting_rate]")
    first = page.locator("table.dimensions tbody tr").first.inner_text()
    assert "4,56" in first and "5,40" in first and "4,62" in first and "-0,78" in first
    images = page.locator(".charts img")
    assert images.count() == 2
    assert all(images.nth(i).evaluate("img => img.complete && img.naturalWidth > 0") for i in range(2))
    assert page.csp_violations == []
    shoot(page, "30-dashboard-vi")

    # A figure leads to the rows behind it.
    page.click("[data-figure=overdue]")
    shown = page.locator("table.dashboard-tasks tbody tr")
    assert shown.count() == t.overdue
    assert all("Quá hạn" in shown.nth(i).inner_text() for i in range(min(3, t.overdue)))
    shoot(page, "31-dashboard-overdue-tasks")

    page.click("button[value=en]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert f"reporting rate {d.reporting_rate}\u00a0%" in page.inner_text("[data-figure=reporting_rate]").lower()
    first = page.locator("table.dimensions tbody tr").first.inner_text()
    assert "4.56" in first and "5.40" in first and "-0.78" in first
    page.goto(page.url.split("?")[0])
    shoot(page, "32-dashboard-en")

    page.goto("/tinh/an-giang/")
    assert "44.43" in page.inner_text("main") and "25/61" in page.inner_text("main")
    assert page.locator(".chart-grid img").count() == 9
    assert page.csp_violations == []
    shoot(page, "33-province-en")

    page.click("button[value=vi]")
    page.wait_for_load_state()
    assert "44,43" in page.inner_text("main")
    shoot(page, "34-province-vi")
