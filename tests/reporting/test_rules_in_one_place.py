"""Rules written once (issue 13): the report status sets beside the model, the reporting rates
in one class. The figures that read them are checked against each other in test_dashboard,
test_review and test_national."""

import re
from pathlib import Path

import pytest

from reporting.models import Report, TaskProgress
from reporting.progress import PeriodDiscipline, PlanSummary, ReportingRates
from reporting.readers import ReviewQueue

ROOT = Path(__file__).resolve().parents[2]
# A status compared or filtered against a literal: `report.status == "returned"`, `status__in=["draft"]`.
STATUSES = "|".join(Report.Status.values)
STATUS_LITERAL = re.compile(r"""status\w*\W{0,3}\s*(==|!=|=|\bin\b)\s*[\[(]?\s*["'](""" + STATUSES + r""")["']""")


def test_report_statuses_are_spelled_in_the_model_only():
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for folder in ("reporting", "plans", "accounts")
        for path in sorted((ROOT / folder).glob("*.py"))
        if path.name != "models.py"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if STATUS_LITERAL.search(line)
    ]
    assert found == []


def test_the_status_sets():
    assert set(Report.SENT) == set(Report.Status) - {Report.Status.DRAFT}
    assert set(Report.FINAL) == set(Report.SENT) - {Report.Status.RETURNED}
    assert set(Report.EDITABLE) == set(Report.Status) - set(Report.FINAL)


@pytest.mark.django_db
def test_the_querysets_follow_the_sets(an_giang_plan):
    period = an_giang_plan.periods.order_by("end").first()
    agencies = list(an_giang_plan.province.agencies.order_by("pk")[: len(Report.Status)])
    for agency, status in zip(agencies, Report.Status, strict=True):
        Report.objects.create(agency=agency, period=period, status=status, submitted_at="2026-01-01T00:00Z")
    reports = Report.objects.filter(period=period)
    assert {r.status for r in reports.sent()} == set(Report.SENT)
    assert {r.status for r in reports.final()} == set(Report.FINAL)
    assert {r.status for r in reports.editable()} == set(Report.EDITABLE)
    assert not TaskProgress.objects.final().exclude(report__status__in=Report.FINAL).exists()


def test_every_page_reads_the_rates_from_one_class():
    for page in (ReviewQueue, PeriodDiscipline, PlanSummary):
        assert issubclass(page, ReportingRates)
        assert "reporting_rate" not in vars(page) and "on_time_rate" not in vars(page)


def test_the_rates():
    class Period(ReportingRates):
        expected, sent_count, on_time_count = 8, 3, 1

    assert (Period().reporting_rate, Period().on_time_rate) == (38, 13)  # 37.5 and 12.5 rounded half up
    Period.expected = 0
    assert (Period().reporting_rate, Period().on_time_rate) == (0, 0)
