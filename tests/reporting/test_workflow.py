"""The report workflow on the seed plans: every step, and every refusal."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from plans.models import Agency
from plans.obligations import tasks_for_agency
from reporting import workflow
from reporting.models import PeriodReopening, Report, ReportingPeriod, TaskProgress

pytestmark = pytest.mark.django_db


def answers(agency, period, status="in_progress", narrative="Đã triển khai."):
    return {t.pk: {"status": status, "percent_done": 50, "achieved_value": None, "narrative": narrative,
                   "evidence": "", "difficulties": ""}
            for t in tasks_for_agency(agency, plan=period.plan)}  # fmt: skip


def draft(agency, period, user, progress=None, version=0, **fields):
    return workflow.save_draft(
        agency=agency,
        period=period,
        user=user,
        seen_version=version,
        difficulties=fields.get("difficulties", ""),
        proposals=fields.get("proposals", ""),
        progress=progress if progress is not None else answers(agency, period),
    )


def test_the_whole_cycle_draft_submit_return_resubmit_accept(commune, year, commune_reporter, other_province_coordinator):
    # Draft, with nothing checked.
    report = draft(commune, year, commune_reporter, progress={}, difficulties="Thiếu kinh phí.")
    assert report.status == Report.Status.DRAFT and report.version == 1
    # Submitting an empty report lists every task.
    with pytest.raises(workflow.SubmissionProblems) as problems:
        workflow.submit_report(report, commune_reporter, report.version)
    assert len(problems.value.by_task) == 19
    # Answer everything, submit.
    report = draft(commune, year, commune_reporter, version=report.version)
    report = workflow.submit_report(report, commune_reporter, report.version)
    assert report.status == Report.Status.SUBMITTED
    assert report.submitted_by == commune_reporter and report.first_submitted_at == report.submitted_at
    first_sent = report.first_submitted_at
    # The department returns it with a note; the answers are kept.
    report = workflow.return_report(report, other_province_coordinator, "Bổ sung số liệu nhiệm vụ II.1.")
    assert report.status == Report.Status.RETURNED and report.review_note == "Bổ sung số liệu nhiệm vụ II.1."
    assert report.progress.count() == 19
    # Fixed and sent again: the first submission time is kept for timeliness.
    report = draft(
        commune, year, commune_reporter, answers(commune, year, narrative="Đã bình xét 112 hộ."), version=report.version
    )
    assert report.status == Report.Status.RETURNED  # saving keeps it with the agency until it is sent
    report = workflow.submit_report(report, commune_reporter, report.version)
    assert report.first_submitted_at == first_sent and report.submitted_at > first_sent
    # Accepted: read-only for everyone.
    report = workflow.accept_report(report, other_province_coordinator)
    assert report.status == Report.Status.ACCEPTED and report.reviewed_by == other_province_coordinator
    with pytest.raises(workflow.WorkflowError):
        draft(commune, year, commune_reporter, version=report.version)


def test_every_step_is_recorded_with_who_did_it(commune, year, commune_reporter, other_province_coordinator):
    report = draft(commune, year, commune_reporter)
    report = workflow.submit_report(report, commune_reporter, report.version)
    workflow.accept_report(report, other_province_coordinator)
    steps = list(report.history.order_by("history_date").values_list("status", "history_user__username"))
    assert steps[-2:] == [("submitted", "xa.daknia"), ("accepted", "snv.daknong")]
    assert set(TaskProgress.history.filter(report_id=report.pk).values_list("history_user__username", flat=True)) == {"xa.daknia"}


def test_a_completed_task_needs_its_result(commune, year, commune_reporter):
    progress = answers(commune, year)
    first_task = next(iter(progress))
    progress[first_task] = {**progress[first_task], "status": "completed", "narrative": ""}
    report = draft(commune, year, commune_reporter, progress)
    with pytest.raises(workflow.SubmissionProblems) as problems:
        workflow.submit_report(report, commune_reporter, report.version)
    assert problems.value.by_task == {first_task: {"narrative": "Nhiệm vụ đã hoàn thành cần ghi kết quả thực hiện."}}


@pytest.mark.parametrize("step", ["return", "accept"])
def test_a_draft_can_be_neither_returned_nor_accepted(commune, year, commune_reporter, other_province_coordinator, step):
    report = draft(commune, year, commune_reporter)
    with pytest.raises(workflow.WorkflowError):
        if step == "return":
            workflow.return_report(report, other_province_coordinator, "note")
        else:
            workflow.accept_report(report, other_province_coordinator)
    report.refresh_from_db()
    assert report.status == Report.Status.DRAFT


def test_returning_needs_a_note(commune, year, commune_reporter, other_province_coordinator):
    report = draft(commune, year, commune_reporter)
    report = workflow.submit_report(report, commune_reporter, report.version)
    with pytest.raises(workflow.WorkflowError, match="cần ghi rõ"):
        workflow.return_report(report, other_province_coordinator, "   ")
    report.refresh_from_db()
    assert report.status == Report.Status.SUBMITTED


def test_a_submitted_report_cannot_be_submitted_or_edited_again(commune, year, commune_reporter):
    report = draft(commune, year, commune_reporter)
    report = workflow.submit_report(report, commune_reporter, report.version)
    with pytest.raises(workflow.WorkflowError):
        workflow.submit_report(report, commune_reporter, report.version)
    with pytest.raises(workflow.WorkflowError):
        draft(commune, year, commune_reporter, version=report.version)


def test_the_second_of_two_concurrent_saves_is_refused(commune, year, commune_reporter):
    report = draft(commune, year, commune_reporter)
    opened_by_both = report.version
    draft(commune, year, commune_reporter, answers(commune, year, narrative="Lưu của người thứ nhất."), version=opened_by_both)
    with pytest.raises(workflow.StaleReport):
        draft(commune, year, commune_reporter, answers(commune, year, narrative="Lưu của người thứ hai."), version=opened_by_both)
    assert set(report.progress.values_list("narrative", flat=True)) == {"Lưu của người thứ nhất."}


def test_two_first_drafts_at_once_do_not_make_two_reports(commune, year, commune_reporter):
    draft(commune, year, commune_reporter)
    with pytest.raises(workflow.StaleReport):
        draft(commune, year, commune_reporter)  # also opened before any report existed
    assert Report.objects.filter(agency=commune, period=year).count() == 1


def test_answers_for_tasks_the_agency_does_not_report_on_are_ignored(commune, year, commune_reporter, an_giang_plan):
    foreign_task = an_giang_plan.tasks.first()
    progress = answers(commune, year)
    progress[foreign_task.pk] = {
        "status": "completed",
        "percent_done": 100,
        "achieved_value": None,
        "narrative": "x",
        "evidence": "",
    }
    report = draft(commune, year, commune_reporter, progress)
    assert not report.progress.filter(task=foreign_task).exists()


def test_a_locked_period_refuses_reports_until_reopened_for_the_agency(
    commune, year, commune_reporter, other_province_coordinator
):
    ReportingPeriod.objects.filter(pk=year.pk).update(status=ReportingPeriod.Status.LOCKED)
    year.refresh_from_db()
    report = draft(commune, year, commune_reporter)  # a draft is still kept
    with pytest.raises(workflow.WorkflowError, match="khóa"):
        workflow.submit_report(report, commune_reporter, report.version)
    until = datetime.date.today() + datetime.timedelta(days=3)
    workflow.reopen_for_agency(year, commune, other_province_coordinator, until, "Xã bị lũ, mất điện.")
    assert workflow.submit_report(report, commune_reporter, report.version).status == Report.Status.SUBMITTED
    # The exception is for that agency only.
    other_commune = Agency.objects.create(province=commune.province, name="UBND xã Quảng Thành", kind=commune.kind)
    assert workflow.submission_block(year, other_commune) is not None


def test_a_period_closes_by_itself_after_the_due_date_and_grace(commune, year):
    year.grace_days = 5
    assert workflow.submission_block(year, commune, today=year.due_date + datetime.timedelta(days=5)) is None
    reason = workflow.submission_block(year, commune, today=year.due_date + datetime.timedelta(days=6))
    assert "Kỳ báo cáo đã đóng ngày" in reason and "gia hạn 5 ngày" in reason
    year.grace_days = None  # no grace set: never closes by itself
    assert workflow.submission_block(year, commune, today=year.due_date + datetime.timedelta(days=3000)) is None


def test_reopening_needs_a_reason_and_a_date_ahead(commune, year, other_province_coordinator):
    with pytest.raises(workflow.WorkflowError):
        workflow.reopen_for_agency(year, commune, other_province_coordinator, datetime.date.today(), "")
    with pytest.raises(workflow.WorkflowError):
        workflow.reopen_for_agency(year, commune, other_province_coordinator, datetime.date(2020, 1, 1), "Lý do")
    assert not PeriodReopening.objects.exists()


def test_a_report_is_on_time_by_its_first_submission(commune, year, commune_reporter):
    report = draft(commune, year, commune_reporter)
    report = workflow.submit_report(report, commune_reporter, report.version)
    assert not workflow.is_on_time(report)  # sent in 2026 for a 2020 period
    report.first_submitted_at = datetime.datetime(2020, 12, 16, 23, 0, tzinfo=datetime.UTC)  # 17/12 06:00 in Vietnam
    assert not workflow.is_on_time(report)
    report.first_submitted_at = datetime.datetime(2020, 12, 16, 16, 0, tzinfo=datetime.UTC)  # 16/12 23:00 in Vietnam
    assert workflow.is_on_time(report)


def test_a_task_of_another_plan_cannot_be_part_of_a_report(commune, year, commune_reporter, an_giang_plan):
    report = draft(commune, year, commune_reporter)
    with pytest.raises(ValidationError):
        TaskProgress(report=report, task=an_giang_plan.tasks.first()).full_clean()


def test_returning_after_the_period_closed_reopens_it_for_the_agency(commune, year, commune_reporter, other_province_coordinator):
    report = draft(commune, year, commune_reporter)
    report = workflow.submit_report(report, commune_reporter, report.version)
    ReportingPeriod.objects.filter(pk=year.pk).update(status=ReportingPeriod.Status.LOCKED)
    report = workflow.return_report(Report.objects.get(pk=report.pk), other_province_coordinator, "Bổ sung số liệu.")
    reopening = year.reopenings.get(agency=commune)
    assert reopening.until == datetime.date.today() + datetime.timedelta(days=7) and "Bổ sung số liệu." in reopening.reason
    assert workflow.submit_report(report, commune_reporter, report.version).status == Report.Status.SUBMITTED


def test_the_reviewer_acts_on_the_version_they_read(commune, year, commune_reporter, other_province_coordinator):
    report = draft(commune, year, commune_reporter)
    report = workflow.submit_report(report, commune_reporter, report.version)
    read = report.version
    report = workflow.return_report(report, other_province_coordinator, "Bổ sung.", seen_version=read)
    report = workflow.submit_report(report, commune_reporter, report.version)
    with pytest.raises(workflow.StaleReport):
        workflow.accept_report(report, other_province_coordinator, seen_version=read)  # the resubmission was not read
    assert workflow.accept_report(report, other_province_coordinator, seen_version=report.version).status == "accepted"


@pytest.mark.skipif("not connection.features.has_select_for_update_of", reason="SQLite locks the whole database")
def test_saving_and_sending_lock_the_report_row_only(commune, year, commune_reporter, other_province_coordinator):
    """Locking the joined period, plan and province rows too (the model's ordering joins them)
    made every save in a province wait for the others, and deadlocked with sending on PostgreSQL
    under the load test."""
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        report = draft(commune, year, commune_reporter)
        report = draft(commune, year, commune_reporter, version=report.version)
        report = workflow.submit_report(report, commune_reporter, report.version)
        workflow.accept_report(report, other_province_coordinator, report.version)
    locks = [q["sql"] for q in queries.captured_queries if "FOR UPDATE" in q["sql"]]
    assert len(locks) == 4 and all(sql.endswith('FOR UPDATE OF "reporting_report"') for sql in locks), locks
