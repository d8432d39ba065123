"""A report's history names each step (Gửi, Trả lại, Gửi lại, Tiếp nhận, Hủy tiếp nhận, Mở lại)
and says what changed, field by field, in a fixed number of queries."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from plans.obligations import tasks_for_agency
from reporting import workflow
from reporting.history import report_history

pytestmark = pytest.mark.django_db


def answers(tasks, percent, **extra):
    return {
        t.pk: {"status": "in_progress", "percent_done": percent, "achieved_value": None, "narrative": "Đã họp dân.",
               "evidence": "", "difficulties": ""} | extra
        for t in tasks
    }  # fmt: skip


@pytest.fixture
def worked_report(commune, year, commune_reporter, other_province_coordinator):
    """Saved, sent, returned, one answer changed and sent again, accepted, acceptance undone."""
    tasks = list(tasks_for_agency(commune, plan=year.plan).order_by("order"))
    first = answers(tasks, 40)
    report = workflow.save_draft(
        agency=commune, period=year, user=commune_reporter, seen_version=0, difficulties="", proposals="", progress=first
    )
    report = workflow.submit_report(report, commune_reporter, report.version)
    report = workflow.return_report(report, other_province_coordinator, "Bổ sung số liệu.")
    changed = answers(tasks, 40) | {tasks[0].pk: answers(tasks, 100, status="completed")[tasks[0].pk]}
    report = workflow.save_draft(
        agency=commune, period=year, user=commune_reporter, seen_version=report.version, difficulties="Thiếu người.",
        proposals="", progress=changed,
    )  # fmt: skip
    report = workflow.submit_report(report, commune_reporter, report.version)
    report = workflow.accept_report(report, other_province_coordinator)
    report = workflow.undo_accept(report, other_province_coordinator, "Tiếp nhận nhầm.")
    return report, tasks


def test_each_step_is_named_with_what_changed(worked_report, other_province_coordinator):
    report, tasks = worked_report
    first, second = tasks[0].number, tasks[1].number
    # oldest first; the report's steps and those of its first two tasks (the others' are alike)
    steps = [s for s in reversed(report_history(report)) if s.item in ("Báo cáo", first, second)]
    named = [(str(s.name), s.item) for s in steps]
    assert named == [
        ("Tạo bản nháp", "Báo cáo"),
        ("Cập nhật", first),
        ("Cập nhật", second),
        ("Gửi", "Báo cáo"),
        ("Trả lại", "Báo cáo"),
        ("Lưu nháp", "Báo cáo"),
        ("Cập nhật", first),
        ("Gửi lại", "Báo cáo"),
        ("Tiếp nhận", "Báo cáo"),
        ("Hủy tiếp nhận", "Báo cáo"),
    ]
    returned = steps[4]
    assert [(c.field, c.old, c.new) for c in returned.changes] == [
        ("Trạng thái", "Đã gửi", "Trả lại để bổ sung"),
        ("Ý kiến của Sở Nội vụ", "—", "Bổ sung số liệu."),
    ]
    assert returned.who == other_province_coordinator
    redone = steps[6]
    assert [(c.field, c.old, c.new) for c in redone.changes] == [
        ("Tình trạng", "Đang thực hiện", "Đã hoàn thành"),
        ("Tỷ lệ hoàn thành (%)", "40", "100"),
    ]
    assert [(c.field, c.new) for c in steps[5].changes] == [("Khó khăn, vướng mắc", "Thiếu người.")]
    assert steps[-1].reason == "Tiếp nhận nhầm."


def test_a_reopening_is_a_step(worked_report, other_province_coordinator, year, commune):
    report, _tasks = worked_report
    until = timezone.localdate() + datetime.timedelta(days=5)
    workflow.reopen_for_agency(year, commune, other_province_coordinator, until, "Xin gửi bổ sung.")
    (step,) = [s for s in report_history(report) if str(s.name) == "Mở lại"]
    assert step.reason == f"đến {until:%d/%m/%Y}: Xin gửi bổ sung." and step.who == other_province_coordinator


def test_the_page_shows_the_steps_in_a_fixed_number_of_queries(
    client, worked_report, other_province_coordinator, django_assert_max_num_queries
):
    report, tasks = worked_report
    client.force_login(other_province_coordinator)
    url = reverse("report_detail", args=[report.pk])
    with django_assert_max_num_queries(40) as few:
        page = client.get(url).text
    assert "<strong>Trả lại</strong>" in page and "<strong>Hủy tiếp nhận</strong>" in page
    assert "<del>Đang thực hiện</del> → Đã hoàn thành" in page
    for _round in range(5):  # many more records
        report = workflow.return_report(report, other_province_coordinator, "Lần nữa.")
        report = workflow.save_draft(
            agency=report.agency, period=report.period, user=other_province_coordinator, seen_version=report.version,
            difficulties=f"Vòng {_round}", proposals="", progress=answers(tasks, 50 + _round),
        )  # fmt: skip
        report = workflow.submit_report(report, other_province_coordinator, report.version)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)
