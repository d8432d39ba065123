"""Last year's completion rate for the targets page's suggestion (plans.target_suggestions),
registered into `plans.hooks` by `ReportingConfig.ready`: plans cannot import reporting.

The plan before: the one this plan was carried from ("Lập kế hoạch năm sau"), else the
province's plans of the latest year before this plan's first, of the same issuer kind (for a
unit of 1/7/2025, its former provinces' plans count: they are its history, as
`plans.access.with_former` reads them); drafts never count. The rate is the share of their tasks
completed by the dashboard's rule (`progress.task_states`, judged today), rounded as the
dashboard rounds (`progress.percent`). A fixed number of queries: the plans, then task_states'.
"""

from django.db.models import Q
from django.utils import timezone

from plans.access import with_former
from plans.models import Plan, Task
from plans.target_suggestions import Completion

from .progress import percent, tally, task_states


def previous_plans(plan):
    if plan.carried_from_id:
        return list(Plan.objects.filter(pk=plan.carried_from_id).exclude(status=Plan.Status.DRAFT).order_by())
    earlier = Plan.objects.filter(
        Q(province_id__in=with_former([plan.province_id])),
        issuer_kind=plan.issuer_kind,
        year__lt=plan.year,
    ).exclude(status=Plan.Status.DRAFT)
    if plan.issuer_kind != Plan.IssuerKind.PROVINCE:
        earlier = earlier.filter(issuing_agency_id=plan.issuing_agency_id)
    earlier = list(earlier.order_by("-year", "pk"))
    return [p for p in earlier if p.year == earlier[0].year] if earlier else []


def previous_completion(plan, today=None):
    """plans.target_suggestions.Completion of the plan before `plan`, or None (no plan before,
    or one without tasks)."""
    plans = previous_plans(plan)
    if not plans:
        return None
    # Unordered: the tasks' default ordering would join the plans and their provinces only to sort.
    tasks = Task.objects.filter(plan__in=plans).order_by()
    states = task_states(plans, today or timezone.localdate(), tasks=tasks)
    counts = tally(state for listed in states.values() for state in listed)
    if not counts.total:
        return None
    return Completion(tuple(plans), counts.completed, counts.total, percent(counts.completed, counts.total))
