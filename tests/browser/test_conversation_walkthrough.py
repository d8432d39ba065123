"""The conversation around a returned report: the department returns it and asks on a task; the
commune reads the note with the thread beside it, answers on the task's card and in the report's
thread (the report's form untouched by either), then resubmits. Screenshots in test-artifacts/."""

import pytest

from plans.models import Agency
from plans.obligations import tasks_for_agency
from reporting import workflow
from reporting.models import Comment, Report
from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _returned_report():
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    commune = Agency.objects.get(name="UBND xã Đắk Nia")
    period = commune.province.plans.get(year=2020).periods.get(kind="year")
    clerk, coordinator = users.get(username="xa.daknia"), users.get(username="snv.daknong")
    answers = {
        task.pk: {"status": "in_progress", "percent_done": 50, "achieved_value": None, "narrative": f"Kết quả {task.number}",
                  "evidence": "", "difficulties": ""}
        for task in tasks_for_agency(commune, plan=period.plan)
    }  # fmt: skip
    report = workflow.save_draft(
        agency=commune, period=period, user=clerk, seen_version=0, difficulties="", proposals="", progress=answers
    )
    report = workflow.submit_report(report, clerk, report.version)
    return workflow.return_report(report, coordinator, "Bổ sung số liệu hộ nghèo ở nhiệm vụ đầu tiên.", report.version)


def _sent(name, username):
    from django.contrib.auth import get_user_model

    agency = Agency.objects.get(name=name)
    period = agency.province.plans.get(year=2020).periods.get(kind="year")
    user = get_user_model().objects.get(username=username)
    answers = {task.pk: {"status": "completed", "percent_done": 100, "achieved_value": None, "narrative": "Đã xong.",
                         "evidence": "", "difficulties": ""}
               for task in tasks_for_agency(agency, plan=period.plan)}  # fmt: skip
    report = workflow.save_draft(
        agency=agency, period=period, user=user, seen_version=0, difficulties="", proposals="", progress=answers
    )
    return workflow.submit_report(report, user, report.version)


def test_a_returned_report_is_talked_over_then_resubmitted(demo_data, page, shoot):
    report = _returned_report()
    waiting = _sent("UBND huyện Cư Jút", "snv.daknong")  # typed in for the district by the department

    # The department starts from its inbox: the waiting count leads to the queue, filtered; the
    # ticked reports are accepted together after one confirmation that lists them.
    log_in(page, "snv.daknong")
    page.goto("/viec-can-lam/")
    row = page.locator("table.inbox tbody tr", has_text="Năm 2020").first
    row.locator("td.num a").first.click()
    page.wait_for_url("**/ky-bao-cao/*/?status=*")
    page.locator(f"input[name=agency][value='{waiting.agency_id}']").check()
    page.get_by_role("button", name="Tiếp nhận các báo cáo đã chọn").click()
    page.wait_for_selector("button:has-text('Xác nhận tiếp nhận')")
    assert "UBND huyện Cư Jút" in page.inner_text("main")
    shoot(page, "c0-bulk-accept-confirm")
    page.get_by_role("button", name="Xác nhận tiếp nhận").click()
    page.wait_for_url(f"**/ky-bao-cao/{waiting.period_id}/")
    waiting.refresh_from_db()
    assert waiting.status == Report.Status.ACCEPTED

    # The department asks a question on the first task, from the report's page.
    page.goto(f"/bao-cao/{report.pk}/")
    card = page.locator("article.task-card").first
    card.locator("details.thread > summary").click()
    card.locator("details.thread textarea").fill("Số hộ nghèo là bao nhiêu? Gửi kèm biên bản bình xét.")
    card.get_by_role("button", name="Gửi ý kiến").click()
    page.wait_for_url(f"**/bao-cao/{report.pk}/#y-kien-*")
    assert "Số hộ nghèo là bao nhiêu?" in page.locator("article.task-card").first.inner_text()
    shoot(page, "c1-review-page-thread")

    # The commune learns of both without a phone call: the header counts them, the list says what.
    log_in(page, "xa.daknia")
    header = page.locator("header").get_by_role("link", name="Thông báo")
    assert header.locator(".badge").inner_text() == "2"  # returned, and the question on a task
    header.click()
    notices = page.locator("ul.notifications li.unread")
    assert notices.count() == 2
    assert "trả lại" in notices.nth(1).inner_text().lower()
    shoot(page, "c1b-notifications")
    notices.first.get_by_role("link").click()  # the newest: the question, on its thread
    page.wait_for_load_state()
    assert "Số hộ nghèo là bao nhiêu?" in page.inner_text("main")
    page.goto("/")
    assert page.locator("header").get_by_role("link", name="Thông báo").locator(".badge").count() == 1  # one left

    # The commune opens its returned report: the note, and the thread beside it.
    page.get_by_role("link", name="Tiếp tục báo cáo").first.click()
    page.wait_for_selector("form.report-form")
    beside = page.locator(".note-and-thread.with-note")
    assert "Bổ sung số liệu hộ nghèo" in beside.locator(".callout.warn").inner_text()
    note_box, thread_box = beside.locator(".callout.warn").bounding_box(), beside.locator("details.thread").bounding_box()
    assert thread_box["x"] > note_box["x"] + note_box["width"] - 1  # side by side on a wide screen
    first = page.locator("article.task-card").first
    assert "Số hộ nghèo là bao nhiêu?" in first.locator("details.thread[open]").inner_text()
    shoot(page, "c2-returned-report-with-thread")

    # It answers on the task's card: its own form, so the report's form neither saves nor asks first.
    first.locator("details.thread textarea").fill("112 hộ; biên bản đã tải lên cùng báo cáo.")
    first.get_by_role("button", name="Gửi ý kiến").click()
    page.wait_for_url("**/co-quan/*/#y-kien-*")
    assert "112 hộ; biên bản" in page.locator("article.task-card").first.inner_text()

    # An empty answer in the report's thread is refused with the reason; the typed text is kept.
    page.locator("#y-kien textarea").fill("   ")
    page.locator("#y-kien").get_by_role("button", name="Gửi ý kiến").click()
    page.wait_for_selector(".comment-form .callout.error")
    assert "Hãy nhập nội dung ý kiến" in page.inner_text("main")
    shoot(page, "c3-comment-refused")
    page.fill("textarea[name=body]", "Đã bổ sung theo ý kiến, xin gửi lại.")
    page.get_by_role("button", name="Gửi ý kiến").click()
    page.wait_for_url("**/co-quan/*/#y-kien")

    # Then it fixes the answer and resubmits.
    page.locator("article.task-card").first.locator("textarea[name$='-narrative']").fill("Đã bình xét 112 hộ nghèo.")
    page.get_by_role("button", name="Gửi báo cáo").click()
    page.wait_for_url(f"**/bao-cao/{report.pk}/#y-kien")  # the form's address kept its anchor
    report.refresh_from_db()
    assert report.status == Report.Status.SUBMITTED
    assert Comment.objects.filter(report=report).count() == 3
    assert "Đã bổ sung theo ý kiến" in page.locator("#y-kien").inner_text()
    shoot(page, "c4-resubmitted-with-thread")
    assert page.csp_violations == []
