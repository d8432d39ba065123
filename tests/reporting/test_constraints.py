import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from plans.models import Agency
from reporting.models import Report, ReportingPeriod, TaskProgress

pytestmark = pytest.mark.django_db


def refused(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


@pytest.fixture
def report(an_giang_plan):
    period = an_giang_plan.periods.get(kind="year")
    agency = Agency.objects.get(province=an_giang_plan.province, name="Sở Y tế")
    return Report.objects.create(agency=agency, period=period)


def test_a_report_is_unique_per_agency_and_period(report):
    refused(lambda: Report.objects.create(agency=report.agency, period=report.period))


def test_a_submitted_report_carries_its_submission_time(report):
    refused(lambda: Report.objects.filter(pk=report.pk).update(status=Report.Status.SUBMITTED))
    Report.objects.filter(pk=report.pk).update(status=Report.Status.SUBMITTED, submitted_at=timezone.now())


def test_a_task_appears_once_in_a_report(report):
    task = report.period.plan.tasks.first()
    TaskProgress.objects.create(report=report, task=task, status="in_progress")
    refused(lambda: TaskProgress.objects.create(report=report, task=task))


def test_percent_done_stays_between_0_and_100(report):
    task = report.period.plan.tasks.first()
    refused(lambda: TaskProgress.objects.create(report=report, task=task, percent_done=101))


def test_a_report_and_its_period_belong_to_one_province(an_giang_plan):
    foreign = Agency.objects.get(name="UBND xã Đắk Nia")
    with pytest.raises(ValidationError):
        Report(agency=foreign, period=an_giang_plan.periods.first()).full_clean()


def test_a_period_is_due_after_its_cutoff(an_giang_plan):
    d = datetime.date
    refused(
        lambda: ReportingPeriod.objects.create(
            plan=an_giang_plan, kind="quarter", quarter=1, start=d(2019, 12, 15), end=d(2020, 3, 14), due_date=d(2020, 3, 1)
        )
    )


def test_a_quarter_has_a_number_and_other_periods_none(an_giang_plan):
    d = datetime.date
    refused(
        lambda: ReportingPeriod.objects.create(
            plan=an_giang_plan, kind="quarter", start=d(2019, 12, 15), end=d(2020, 3, 14), due_date=d(2020, 3, 17)
        )
    )
    refused(
        lambda: ReportingPeriod.objects.create(
            plan=an_giang_plan, kind="year", quarter=4, start=d(2019, 12, 15), end=d(2020, 12, 14), due_date=d(2020, 12, 17)
        )
    )


def test_a_plan_has_each_period_once(an_giang_plan):
    year = an_giang_plan.periods.get(kind="year")
    refused(
        lambda: ReportingPeriod.objects.create(
            plan=an_giang_plan, kind="year", start=year.start, end=year.end, due_date=year.due_date
        )
    )


def test_an_achieved_value_is_never_negative(report):
    task = report.period.plan.tasks.first()
    refused(lambda: TaskProgress.objects.create(report=report, task=task, achieved_value=-3))
    with pytest.raises(ValidationError) as error:
        TaskProgress(report=report, task=task, achieved_value=-3).full_clean()
    assert error.value.message_dict == {"achieved_value": ["Giá trị đạt được không được âm."]}


def test_an_achieved_percentage_is_at_most_100(report):
    task = report.period.plan.tasks.first()
    task.measure_unit = "%"
    with pytest.raises(ValidationError) as error:
        TaskProgress(report=report, task=task, achieved_value=101).full_clean()
    assert error.value.message_dict == {"achieved_value": ["Chỉ tiêu tính theo phần trăm: giá trị đạt được tối đa là 100."]}
    task.measure_unit = "lần/năm"
    TaskProgress(report=report, task=task, achieved_value=101).full_clean()  # a count may pass 100


def test_a_period_closes_at_most_90_days_after_its_due_date(an_giang_plan):
    period = an_giang_plan.periods.get(kind="year")
    refused(lambda: ReportingPeriod.objects.filter(pk=period.pk).update(grace_days=91))
    ReportingPeriod.objects.filter(pk=period.pk).update(grace_days=90)
