"""Advice beside the targets form: a suggested target per dimension, with its reasoning in words,
and the weakest sub-dimensions that no task of the plan addresses. Suggestions are shown, never
written into a field: the coordinator copies one or not (static/js/target_suggestion.js).

The suggestion. S is the province's score of the plan's baseline year (derived for a unit of
1/7/2025, as the targets page shows it), M and B the nation's median and best of the latest
published year, c last year's completion rate: the share of tasks completed in the province's
plan before this one, named by its years in the reasoning as it may be older than last year's
(reporting's task-status rule, asked through `plans.hooks`).

- below the median: S + (M − S) × c, closing the gap to the median as far as last year's plan
  was carried out;
- at or above the median: S + (B − S) × c ÷ 2, towards the best, half as fast (the nearer the
  top, the dearer each point);
- rounded to two decimals (half up), as targets are written; never below S, never above 10.
No suggestion without S, M or a previous plan with tasks: the reasoning says which is missing.

A task addresses a sub-dimension when its own `Task.sub_dimension` is that one (the Excel
import's column, the document reader's headings: plans/plan_import.py, plans/plan_document.py).
A task set to the whole dimension addresses none in particular: counting it for every
sub-dimension would hide every gap of a dimension that has one general task; the page gives
their number beside each dimension instead, for the coordinator to judge. The plan page lists the
same gaps for everyone who reads the plan (`weakest_unaddressed`), from the tasks it shows.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _

from indicators.models import DIMENSION_MAX, Province, Score
from indicators.sub_dimensions import sub_dimension_analysis
from papi_tracker.collation import vietnamese

from . import hooks
from .models import Task

CENTS = Decimal("0.01")


@dataclass(frozen=True)
class Completion:
    """Last year's completion: `completed` of `total` tasks of `plans` (the province's latest plans
    before this one, or the plan it was carried from), `percent` a whole number."""

    plans: tuple
    completed: int
    total: int
    percent: int

    @property
    def years_label(self):
        """ "2020", or "2021–2025" (a plan of several years), as the plans name their years."""
        return ", ".join(sorted({plan.years_label for plan in self.plans}))


@dataclass(frozen=True)
class Suggestion:
    value: Decimal | None  # None: no suggestion, `reason` says why
    reason: str


@dataclass
class DimensionGaps:
    """A dimension's weakest sub-dimensions (SubDimensionFigure) that no task addresses, and how
    many of its tasks are set to the whole dimension."""

    dimension: object
    figures: list
    general_tasks: int = 0


@dataclass
class TargetAdvice:
    suggestions: dict  # {dimension id: Suggestion}
    completion: Completion | None
    analysis: object | None  # indicators.sub_dimensions.SubDimensionAnalysis of the reference year
    unaddressed: list = field(default_factory=list)  # DimensionGaps with at least one figure


def _number(value):
    return floatformat(value, 2)


def suggest(hint, completion, baseline_year):
    """The Suggestion for one TargetHint (plans.targets) given last year's Completion."""
    score, median, best, year = hint.baseline, hint.median, hint.best, hint.reference_year
    if score is None:
        return Suggestion(None, _("Chưa có điểm năm cơ sở %(year)s: không đề xuất.") % {"year": baseline_year})
    said = _("Điểm %(year)s: %(score)s") % {"year": baseline_year, "score": _number(score)}
    if hint.baseline_source:
        said += _(" (ước tính)")
    if median is None:
        return Suggestion(None, _("%(said)s; chưa có trung vị toàn quốc: không đề xuất.") % {"said": said})
    if completion is None:
        return Suggestion(
            None,
            _("%(said)s; chưa có kế hoạch năm trước có nhiệm vụ để tính tỷ lệ hoàn thành: không đề xuất.") % {"said": said},
        )
    rate = Decimal(completion.percent) / 100
    done = _("kế hoạch %(years)s hoàn thành %(percent)s %% nhiệm vụ (%(completed)s/%(total)s)") % {
        "years": completion.years_label,
        "percent": completion.percent,
        "completed": completion.completed,
        "total": completion.total,
    }
    if score < median:
        gap = median - score
        value = score + gap * rate
        reason = _(
            "%(said)s; trung vị toàn quốc %(year)s: %(median)s (thiếu %(gap)s); %(done)s → đề xuất %(value)s"
            " (%(score)s + %(gap)s × %(percent)s %%)."
        )
        figures = {"median": _number(median)}
    else:
        gap = (best or score) - score
        value = score + gap * rate / 2
        reason = _(
            "%(said)s; đã đạt trung vị toàn quốc %(year)s (%(median)s), cách điểm cao nhất %(best)s là %(gap)s;"
            " %(done)s → đề xuất %(value)s (%(score)s + %(gap)s × %(percent)s %% ÷ 2)."
        )
        figures = {"median": _number(median), "best": _number(best or score)}
    value = min(max(value.quantize(CENTS, ROUND_HALF_UP), score.quantize(CENTS, ROUND_HALF_UP)), DIMENSION_MAX)
    words = reason % {
        "said": said,
        "year": year,
        "gap": _number(gap),
        "done": done,
        "value": _number(value),
        "score": _number(score),
        "percent": completion.percent,
        **figures,
    }
    return Suggestion(value, words)


def _in_force(entry, year):
    return entry.since_year <= year and (entry.until_year is None or year <= entry.until_year)


def unaddressed(plan, analysis, year=None, tasks=None):
    """[DimensionGaps] of the analysis's dimensions whose weakest sub-dimensions some task of the
    plan does not address (see the module), leaving out those no longer in the framework of
    `year` (the plan year in view; its first by default): no task could name them. One query,
    none when given the plan's `tasks` (as a page shows them: today's, or as they stood on a day)."""
    year = year or plan.year
    if analysis is None or not analysis.dimensions:
        return []
    if tasks is None:
        named = Task.objects.filter(plan=plan, dimension__isnull=False).order_by().values_list("dimension_id", "sub_dimension_id")
    else:
        named = [(task.dimension_id, task.sub_dimension_id) for task in tasks if task.dimension_id is not None]
    addressed, general = set(), {}
    for dimension_id, sub_id in named:
        if sub_id is None:
            general[dimension_id] = general.get(dimension_id, 0) + 1
        else:
            addressed.add(sub_id)
    result = []
    for breakdown in analysis.dimensions:
        figures = [f for f in breakdown.weakest if f.sub_dimension.pk not in addressed and _in_force(f.sub_dimension, year)]
        if figures:
            result.append(DimensionGaps(breakdown.dimension, figures, general.get(breakdown.dimension.pk, 0)))
    return result


def weakest_unaddressed(plan, tasks=None):
    """(SubDimensionAnalysis or None, [DimensionGaps]) for the plan page: the weakest
    sub-dimensions of the latest year published before the plan's first (the year the targets
    page reads, plans.targets.target_hints) that none of `tasks` addresses (`unaddressed`). At most
    four queries with `tasks`: the year, then sub_dimension_analysis's."""
    reference_year = Score.objects.filter(year__lt=plan.year).order_by("-year").values_list("year", flat=True).first()
    analysis = _analysis(plan.province, reference_year)
    return analysis, unaddressed(plan, analysis, tasks=tasks)


def _analysis(province, year):
    """sub_dimension_analysis of `year` (None without a year), the province's former provinces
    read here whether or not it has any: the pages run the same queries for a province of 63 and a
    unit of 1/7/2025."""
    if not year:
        return None
    former = list(Province.objects.filter(successor=province).order_by(vietnamese("name")))
    return sub_dimension_analysis(province, year, former=former)


def target_advice(plan, hints, year=None):
    """The advice for the targets page's hints (plans.targets.target_hints) of `year`: a
    suggestion per dimension, and the weakest sub-dimensions of the hints' reference year no
    task addresses."""
    completion = hooks.previous_completion(plan)
    reference_year = hints[0].reference_year if hints else None
    analysis = _analysis(plan.province, reference_year)
    return TargetAdvice(
        suggestions={h.dimension.pk: suggest(h, completion, plan.baseline_year) for h in hints},
        completion=completion,
        analysis=analysis,
        unaddressed=unaddressed(plan, analysis, year),
    )
