"""The load test's own data and its checks of the database against the journal, without
servers (the whole command runs in tests/deployment/test_load_test.py)."""

import pytest
from django.contrib.auth import get_user_model

from devtools.loadtest import data, verify
from plans.models import Agency, Plan
from reporting import workflow
from reporting.models import ReportingPeriod

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast():
    return data.prepare(reporters=2, coordinators=1)


def save(cast, marker, seen_version=0, submit=False):
    """A reporter's save through the workflow, as the form view makes it; returns its journal lines."""
    agency = Agency.objects.get(pk=cast.reporters[0]["agency"])
    user = get_user_model().objects.get(username=cast.reporters[0]["username"])
    period = ReportingPeriod.objects.get(pk=cast.period)
    tasks = data.TASKS_PER_AGENCY
    progress = {
        task.pk: {"status": "completed", "percent_done": 100, "achieved_value": None, "narrative": marker,
                  "evidence": "", "difficulties": ""}
        for task in period.plan.tasks.filter(assignments__agency=agency)
    }  # fmt: skip
    assert len(progress) == tasks
    report = workflow.save_draft(agency=agency, period=period, user=user, seen_version=seen_version,
                                 difficulties="", proposals=marker, progress=progress)  # fmt: skip
    if submit:
        workflow.submit_report(report, user, report.version)
    return report


def line(cast, action, version, marker, write, outcome=None):
    entry = {"action": action, "agency": cast.reporters[0]["agency"], "period": cast.period, "marker": marker,
             "version": version, "write": write}  # fmt: skip
    return {**entry, "outcome": outcome} if outcome else entry


def test_prepare_writes_a_cast_and_a_second_run_replaces_the_first():
    first = data.prepare(reporters=2, coordinators=1)
    second = data.prepare(reporters=3, coordinators=1)
    assert Plan.objects.filter(document_number__startswith=data.MARK).count() == 1
    assert not Plan.objects.filter(pk=first.plan).exists()
    assert len(second.reporters) == 3 and second.password != first.password
    period = ReportingPeriod.objects.get(pk=second.period)
    agency = Agency.objects.get(pk=second.reporters[0]["agency"])
    assert period.status == "open" and workflow.submission_block(period, agency) is None
    data.remove()
    assert data.load_test_plan() is None
    assert not get_user_model().objects.filter(username__startswith=data.USER_PREFIX).exists()


def test_the_stored_state_of_the_last_acknowledged_save_passes(cast):
    save(cast, "first")
    save(cast, "second", seen_version=1, submit=True)
    journal = [line(cast, "save", 1, "first", "a"), line(cast, "save", 1, "first", "a", "acked"),
               line(cast, "submit", 3, "second", "b"), line(cast, "submit", 3, "second", "b", "acked")]  # fmt: skip
    findings = verify.check(journal, data.load_test_plan())
    assert findings.problems == [] and findings.acked == {"save": 1, "submit": 1}


def test_an_acknowledged_save_missing_from_the_database_fails(cast):
    save(cast, "first")
    journal = [line(cast, "save", 1, "first", "a"), line(cast, "save", 1, "first", "a", "acked"),
               line(cast, "save", 2, "second", "b"), line(cast, "save", 2, "second", "b", "acked")]  # fmt: skip
    report = data.load_test_plan().periods.get().reports.get()
    problems = verify.check(journal, data.load_test_plan()).problems
    assert problems == [f"report {report.pk}: stored version 1 is older than the acknowledged 2"]


def test_a_save_whose_answer_never_came_may_be_what_is_stored(cast):
    save(cast, "first")
    save(cast, "second", seen_version=1)
    journal = [line(cast, "save", 1, "first", "a"), line(cast, "save", 1, "first", "a", "acked"),
               line(cast, "save", 2, "second", "b")]  # fmt: skip
    assert verify.check(journal, data.load_test_plan()).problems == []


def test_values_other_than_the_last_saves_fail(cast):
    save(cast, "typed later by nobody")
    journal = [line(cast, "save", 1, "first", "a"), line(cast, "save", 1, "first", "a", "acked")]
    (problem,) = verify.check(journal, data.load_test_plan()).problems
    assert "does not hold the values of its last save (first)" in problem


def test_a_report_no_write_was_sent_for_fails_and_server_errors_are_counted(cast):
    report = save(cast, "first")
    findings = verify.check([{"action": "server_error", "name": "reporter: save", "status": 500}], data.load_test_plan())
    assert findings.problems == [f"report {report.pk} exists but no write for it was ever sent"]
    assert findings.server_errors == 1
