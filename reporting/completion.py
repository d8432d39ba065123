"""Last year's completion rate for the targets page's suggestion (plans.target_suggestions),
registered into `plans.hooks` by `ReportingConfig.ready`: plans cannot import reporting.

The plan before: the one this plan was carried from ("Lập kế hoạch năm sau"), else the
province's plans of the latest year before this plan's first, of the same issuer kind (for a
unit of 1/7/2025, its former provinces' plans count: they are its history, as
`plans.access.with_former` reads them); drafts never count. The rate is the share of their tasks
completed by the dashboard's rule, judged today, as the national view counts each plan's row
(`progress.cached_plan_summaries`, stored for the day and the plan's version, so the targets page
reads it back instead of judging a year of answers again), rounded as the dashboard rounds
(`progress.percent`). A fixed number of queries: the plans, then the rows'.
"""

from django.db.models import Q
from django.utils import timezone

from plans.access import with_former
from plans.models import Plan
from plans.target_suggestions import Completion

from .progress import cached_plan_summaries, percent


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
    rows = cached_plan_summaries(plans, today or timezone.localdate())
    completed, total = sum(row.tally.completed for row in rows), sum(row.tally.total for row in rows)
    if not total:
        return None
    return Completion(tuple(plans), completed, total, percent(completed, total))
