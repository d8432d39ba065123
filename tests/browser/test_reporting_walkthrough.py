"""A commune fills and submits its report; the department returns it; the commune fixes and
resubmits; the department accepts. Screenshots of every page in test-artifacts/."""

import pytest

from reporting.models import Report
from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_commune_report_goes_through_return_and_acceptance(demo_data, page, shoot, tmp_path):
    # The commune reporter's to-do list.
    log_in(page, "xa.daknia")
    todo = page.locator("table.todo")
    assert "Năm 2020" in todo.inner_text() and "Chưa báo cáo" in todo.inner_text()
    shoot(page, "10-todo-commune")

    # Open the year report: every task of the commune, grouped by dimension.
    page.locator("table.todo tr", has_text="Năm 2020").get_by_role("link", name="Bắt đầu báo cáo").click()
    page.wait_for_selector("form.report-form")
    cards = page.locator("article.task-card")
    count = cards.count()
    assert count == 19
    # A card's short fields stand on one line: status and percentage labels level.
    status_box = cards.first.locator("label[for$='-status']").bounding_box()
    percent_box = cards.first.locator("label[for$='-percent_done']").bounding_box()
    assert abs(status_box["y"] - percent_box["y"]) < 2 and percent_box["x"] > status_box["x"]
    shoot(page, "11-report-form-empty")

    # Submitting with nothing filled: every problem is shown next to its task.
    page.get_by_role("button", name="Gửi báo cáo").click()
    page.wait_for_selector(".callout, .messages")
    assert page.locator("article.task-card.has-errors").count() == count
    assert "Chọn tình trạng thực hiện." in page.inner_text("main")
    shoot(page, "12-report-form-errors")

    # Fill every task; leave one completed task without its result; attach a PDF.
    evidence = tmp_path / "bien-ban-hop-dan.pdf"
    evidence.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    for i in range(count):
        card = cards.nth(i)
        card.locator("select[name$='-status']").select_option("completed" if i < 3 else "in_progress")
        card.locator("input[name$='-percent_done']").fill("100" if i < 3 else "50")
        if i != 2:
            card.locator("textarea[name$='-narrative']").fill(f"Đã triển khai tại 6 thôn, buôn; kết quả nhiệm vụ {i + 1}.")
    cards.nth(0).locator("input[type=file]").set_input_files(str(evidence))
    page.fill("#id_difficulties", "Thiếu kinh phí tuyên truyền ở các buôn xa.")
    page.get_by_role("button", name="Gửi báo cáo").click()
    page.wait_for_load_state()
    assert page.locator("article.task-card.has-errors").count() == 1, page.inner_text("main")[:1500]
    assert "Nhiệm vụ đã hoàn thành cần ghi kết quả thực hiện." in page.inner_text("main")
    assert "bien-ban-hop-dan.pdf" in page.inner_text("main")  # the draft, file included, was saved
    cards.nth(2).locator("textarea[name$='-narrative']").fill("Đã công khai tại nhà văn hóa xã.")
    page.get_by_role("button", name="Gửi báo cáo").click()
    page.wait_for_url("**/bao-cao/*/")
    assert "Đã gửi báo cáo đến Sở Nội vụ." in page.inner_text("main")
    shoot(page, "13-report-submitted")

    # The department's queue shows it; the coordinator returns it with a note.
    log_in(page, "snv.daknong")
    report = Report.objects.get(agency__name="UBND xã Đắk Nia")
    page.goto(f"/ky-bao-cao/{report.period_id}/")
    assert "1/" in page.locator(".stats").inner_text()
    shoot(page, "14-review-queue")
    page.get_by_role("link", name="UBND xã Đắk Nia").click()
    page.wait_for_selector("section.review")
    shoot(page, "15-report-review")
    page.get_by_role("button", name="Trả lại để bổ sung").click()  # no note: the browser holds the form back
    assert page.locator("textarea[name=note]:invalid").count() == 1
    page.fill("textarea[name=note]", "Bổ sung số liệu hộ nghèo được bình xét ở nhiệm vụ II.1.")
    page.get_by_role("button", name="Trả lại để bổ sung").click()
    page.wait_for_url(f"**/ky-bao-cao/{report.period_id}/")
    assert "Trả lại để bổ sung" in page.locator("table.queue").inner_text()

    # The commune sees the note on top, with its answers kept, and resubmits.
    log_in(page, "xa.daknia")
    assert "Bổ sung số liệu hộ nghèo" in page.locator("table.todo").inner_text()
    page.get_by_role("link", name="Tiếp tục báo cáo").first.click()
    page.wait_for_selector("form.report-form")
    assert "Bổ sung số liệu hộ nghèo" in page.locator(".callout.warn:not([hidden])").inner_text()
    assert "kết quả nhiệm vụ 1" in cards.nth(0).locator("textarea[name$='-narrative']").input_value()
    shoot(page, "16-report-returned")
    cards.nth(0).locator("textarea[name$='-narrative']").fill("Đã bình xét 112 hộ nghèo, công khai tại 6 thôn, buôn.")
    page.get_by_role("button", name="Gửi báo cáo").click()
    page.wait_for_url("**/bao-cao/*/")

    # The coordinator accepts; the report is read-only from then on.
    log_in(page, "snv.daknong")
    page.goto(f"/bao-cao/{report.pk}/")
    assert "Lịch sử thay đổi" in page.inner_text("main")
    page.get_by_role("button", name="Tiếp nhận báo cáo").click()
    page.wait_for_url(f"**/bao-cao/{report.pk}/tiep-nhan/")  # accepting asks first
    shoot(page, "17a-accept-confirm")
    page.get_by_role("button", name="Xác nhận tiếp nhận").click()
    page.wait_for_url(f"**/ky-bao-cao/{report.period_id}/")
    assert "Đã tiếp nhận" in page.locator("table.queue").inner_text()
    page.goto(f"/bao-cao/{report.pk}/")
    shoot(page, "17-report-accepted")
    page.goto("/viec-can-lam/")  # the coordinator's inbox
    assert "Việc cần làm" in page.inner_text("h1")
    shoot(page, "17b-inbox")
    report.refresh_from_db()
    assert report.status == Report.Status.ACCEPTED

    # The reporting calendar of the plan, and one period's settings.
    page.goto(f"/ke-hoach/{report.period.plan_id}/ky-bao-cao/")
    assert page.locator("table.data").first.locator("tbody tr").count() == 7  # the history table follows
    shoot(page, "18-plan-periods")
    page.locator("table.data tbody tr", has_text="Năm 2020").get_by_role("link", name="Sửa").click()
    page.wait_for_selector("#id_grace_days")
    assert page.input_value("#id_due_date") == report.period.due_date.strftime("%d/%m/%Y")
    shoot(page, "19-period-edit")

    # The commune reads its accepted report in English.
    log_in(page, "xa.daknia")
    page.click("button[value=en]")
    page.wait_for_load_state()
    page.goto(f"/bao-cao/{report.pk}/")
    assert "Accepted" in page.inner_text("main") and "Results achieved" in page.inner_text("main")
    shoot(page, "20-report-accepted-en")
    assert page.csp_violations == []
