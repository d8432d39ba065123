"""Setting a plan's targets: what the coordinator should see beside each dimension (the
province's baseline, the nation's latest median and best) and the rule that saves them."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Q

from indicators.derived import derive, former_condition, former_count
from indicators.history import national_statistics
from indicators.models import Dimension, Score

from . import access
from .models import Plan, Target


@dataclass
class TargetHint:
    dimension: Dimension
    target: Target | None
    baseline: Decimal | None  # the province's score in the plan's baseline year
    reference_year: int | None  # the latest year published before the plan's
    median: Decimal | None
    best: Decimal | None
    # A unit formed on 1/7/2025 without published scores yet: its baseline is derived from its
    # former provinces' (indicators.derived), said so here, and never recorded as the target's.
    baseline_source: str = ""

    @property
    def below_baseline(self):
        return bool(
            self.target
            and self.target.target_score is not None
            and self.baseline is not None
            and self.target.target_score < self.baseline
        )


def year_asked(plan, value):
    """The plan year a page asks for ("?nam=2023"), if it is one of the plan's; else its first."""
    try:
        year = int(value)
    except (TypeError, ValueError):
        return plan.year
    return year if year in plan.years else plan.year


def target_hints(plan, year=None):
    """One hint per dimension of the year's framework (the plan's first year by default), with
    the whole dimension's target of that year. Queries: dimensions, targets, the baseline scores
    (with the former provinces'), the national statistics of the latest published year."""
    year = year or plan.year
    dimensions = list(Dimension.objects.for_year(year).order_by("number"))
    targets = {t.dimension_id: t for t in Target.objects.of_dimensions(plan, year)}
    # The province's baseline scores and its former provinces' in one query: a unit of 1/7/2025
    # without published scores gets its baseline derived from theirs (indicators.derived).
    unit, baseline_year = plan.province, plan.baseline_year
    rows = list(
        Score.objects.filter(
            Q(province_id=unit.pk, year=baseline_year) | former_condition(unit, baseline_year),
            dimension__isnull=False,
            sub_dimension__isnull=True,
        )
        .annotate(former_count=former_count(unit))
        .select_related("province")
        .order_by("province__name")
    )
    baselines = {row.dimension_id: row.value for row in rows if row.province_id == unit.pk}
    derived = derive(row for row in rows if row.province_id != unit.pk) if not baselines and unit.valid_from else {}
    # The latest year published before the plan's, read within the national statistics' query.
    latest = Score.objects.filter(year__lt=year).order_by("-year").values("year")[:1]
    stats = national_statistics(latest)
    reference_year = next(iter(stats))[0] if stats else None
    hints = []
    for dimension in dimensions:
        median, best, _ = stats.get((reference_year, dimension.pk), (None, None, 0))
        target = targets.get(dimension.pk)
        baseline = target.baseline_score if target and target.baseline_score is not None else baselines.get(dimension.pk)
        source = ""
        if baseline is None and dimension.pk in derived:
            baseline, source = derived[dimension.pk].value, derived[dimension.pk].source
        hints.append(TargetHint(dimension, target, baseline, reference_year, median, best, source))
    return hints


@transaction.atomic
def save_targets(plan, hints, values, year=None):
    """`values` maps a dimension id to (target score, target group); both empty removes the
    target. The baseline is recorded from the published score when the target has none.
    Returns the hints as saved."""
    for hint in hints:
        score, group = values[hint.dimension.pk]
        if score is None and group is None:
            if hint.target is not None and (hint.target.target_rank or hint.target.rank_rise):
                # Its rank aims (set from the document or the admin) are not on this page: kept.
                hint.target.target_score = hint.target.target_group = None
                hint.target.save()
            elif hint.target is not None:
                hint.target.delete()
                hint.target = None
            continue
        # A target of the plan's first year keeps no year of its own (Target.objects.of_dimensions).
        target = hint.target or Target(plan=plan, dimension=hint.dimension, year=year if year and year != plan.year else None)
        if target.target_score != score:
            target.comparator = Target.Comparator.AT_LEAST  # the page sets a score to reach ("đạt")
        target.target_score, target.target_group = score, group
        if target.baseline_score is None and not hint.baseline_source:  # a derived baseline stays derived
            target.baseline_score = hint.baseline
        target.save()
        hint.target = target
    return hints


def visible_targets(user, province):
    """The targets, with their plan, of the province's plans the user may see (beside the
    province's scores on its PAPI page, through `indicators.hooks`)."""
    return Target.objects.filter(
        plan__in=access.visible_plans(user),
        plan__province=province,
        plan__issuer_kind=Plan.IssuerKind.PROVINCE,  # the province's own plans, not its departments' or communes'
        sub_dimension__isnull=True,
    ).select_related("plan")
