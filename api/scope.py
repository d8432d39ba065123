"""What a token reads, in one place: every endpoint's queryset starts here.

A province's token reads that province and, after 1/7/2025, its former provinces as history
(plans.access.with_former); a token of no province (an administrator's) reads every province.
Plans still being drafted are the coordinators' own: no token reads them, nor anything under
them. Reports are read once sent (Report.SENT), and only their status; answers only from
final reports (TaskProgress.objects.final(): a returned report is being edited again, so its
answers are a draft until it is sent back).
"""

from indicators.models import Dimension, Province, Score
from plans.access import with_former
from plans.models import Plan, Target, Task
from reporting.models import Report, ReportingPeriod, TaskProgress


def province_ids(token):
    """A subquery of the provinces the token reads, or None for every province."""
    if token.province_id is None:
        return None
    return with_former([token.province_id])


def provinces(token):
    ids = province_ids(token)
    return Province.objects.all() if ids is None else Province.objects.filter(pk__in=ids)


def dimensions(token):
    """The PAPI framework: national reference data, the same for every token."""
    return Dimension.objects.all()


def scores(token):
    ids = province_ids(token)
    return Score.objects.all() if ids is None else Score.objects.filter(province_id__in=ids)


def plans(token):
    ids = province_ids(token)
    readable = Plan.objects.exclude(status=Plan.Status.DRAFT)
    return readable if ids is None else readable.filter(province_id__in=ids)


def targets(token):
    return Target.objects.filter(plan__in=plans(token))


def tasks(token):
    return Task.objects.filter(plan__in=plans(token))


def periods(token):
    return ReportingPeriod.objects.filter(plan__in=plans(token))


def reports(token):
    return Report.objects.sent().filter(period__plan__in=plans(token))


def task_progress(token):
    return TaskProgress.objects.final().filter(report__period__plan__in=plans(token))
