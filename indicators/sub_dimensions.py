"""Where a province's score is lost: each dimension's sub-dimensions in one year beside the
nation's median and best, the change since the year before, and which pull the dimension down
the most. One data function (`sub_dimension_analysis`) for the province page and the plan's
targets page alike.

The pull. PAPI builds a dimension's score as the plain sum of its sub-dimension scores
(fixtures/reference/papi_framework.json, `scoring.dimension_score`, checked on the data: An
Giang 2024 D1 = 0,9172 + 1,1621 + 1,2249 + 0,9678 = 4,2719 less rounding), so every sub-dimension
weighs 1 in its dimension. A sub-dimension's pull is therefore its gap to the nation's median of
that year in dimension points: median − score. Positive: the points the dimension loses there
compared with a province at the median; negative: points gained. Sub-dimensions are ranked by
pull, the largest first; the weakest are the first `WEAKEST` of them that lie below the median.

The change is the score less the year before's, shown only when the dimension had the same
number of sub-dimensions both years: PAPI rescales the sub-dimensions when one is dropped (D5 lost
its construction permits in 2021, the other three went from a 2,5 to a 3,33 scale), and a
difference across scales would read as a rise that is not one.

A unit formed on 1/7/2025 has no published scores of its own: it is shown its former provinces'
figures by indicators/derived.py's rule (the plain mean of the former provinces' published
scores that year, only when every former province has one), marked as derived and named from
what (`derived_from`). The nation's median and best are always of published scores only.

Queries: the framework (dimensions with their sub-dimensions, one), every province's
sub-dimension scores of the year and the year before (one), and for a province without published
sub-dimension scores that year its former provinces (one): at most three, whatever the data.
"""

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from papi_tracker.collation import vietnamese

from .derived import PLACES
from .models import Province, Score, SubDimension

WEAKEST = 2  # how many sub-dimensions below the median a dimension's "weakest" names


@dataclass
class SubDimensionFigure:
    sub_dimension: SubDimension
    value: Decimal | None  # the province's score (derived for a unit of 1/7/2025)
    median: Decimal | None  # the nation's, that year, published scores only
    best: Decimal | None
    previous: Decimal | None  # the province's score the year before, on the same scale
    weakest: bool = False  # one of the dimension's WEAKEST largest pulls below the median

    @property
    def change(self):
        return None if self.value is None or self.previous is None else self.value - self.previous

    @property
    def pull(self):
        """Points of the dimension lost to the median here (negative: gained); see the module."""
        return None if self.value is None or self.median is None else self.median - self.value

    @property
    def below_median(self):
        return self.pull is not None and self.pull > 0


@dataclass
class DimensionBreakdown:
    dimension: object
    figures: list  # SubDimensionFigure, the largest pull first (no score: last, in code order)

    rescaled: bool = False  # other sub-dimensions the year before: no change is shown

    @property
    def weakest(self):
        return [f for f in self.figures if f.weakest]


@dataclass
class SubDimensionAnalysis:
    province: Province
    year: int
    dimensions: list = field(default_factory=list)  # DimensionBreakdown, in framework order
    # The former provinces a unit of 1/7/2025's figures are derived from; empty when published.
    derived_from: list = field(default_factory=list)

    @property
    def derived(self):
        return bool(self.derived_from)

    @property
    def weakest(self):
        """{sub-dimension id: figure} of every dimension's weakest."""
        return {f.sub_dimension.pk: f for d in self.dimensions for f in d.weakest}


def _in_year(entry, year):
    return entry.since_year <= year and (entry.until_year is None or year <= entry.until_year)


def _mean(values):
    return (sum(values) / len(values)).quantize(PLACES, ROUND_HALF_UP)


def sub_dimension_years(provinces):
    """The years with sub-dimension scores of any of `provinces` (a unit and its former
    provinces), latest first. One query."""
    scores = Score.objects.filter(province__in=provinces, sub_dimension__isnull=False).order_by("-year")
    return list(scores.values_list("year", flat=True).distinct())


def sub_dimension_analysis(province, year, former=None):
    """The analysis above for `province` in `year`; a province (or unit) with no sub-dimension
    score that year, published or derivable, gets an analysis with no dimensions. `former`: the
    unit's former provinces when the caller has them already (one query fewer)."""
    every = list(SubDimension.objects.select_related("dimension").order_by("code"))
    framework = [s for s in every if _in_year(s, year)]
    rows = (
        Score.objects.filter(year__in=(year, year - 1), sub_dimension__isnull=False)
        .order_by()  # grouped here: the default ordering would join three tables to sort them
        .values_list("province_id", "year", "sub_dimension_id", "value")
    )
    national, own = defaultdict(list), {}
    for province_id, score_year, sub_id, value in rows:
        if score_year == year:
            national[sub_id].append(value)
        own[(province_id, score_year, sub_id)] = value
    analysis = SubDimensionAnalysis(province, year)
    if not any(pid == province.pk and y == year for (pid, y, _sub) in own):  # derived, if it can be
        if former is None:
            former = list(Province.objects.filter(successor=province).order_by(vietnamese("name")))
        if not any((p.pk, year, s.pk) in own for p in former for s in framework):
            return analysis  # nothing published, nothing to derive from
        analysis.derived_from = former

    def value_of(score_year, sub_id):
        if not analysis.derived_from:
            return own.get((province.pk, score_year, sub_id))
        values = [own.get((p.pk, score_year, sub_id)) for p in analysis.derived_from]
        return None if None in values else _mean(values)

    before = defaultdict(set)  # {dimension id: its sub-dimensions the year before}
    for sub in every:
        if _in_year(sub, year - 1):
            before[sub.dimension_id].add(sub.pk)
    by_dimension = defaultdict(list)
    for sub in framework:
        by_dimension[sub.dimension].append(sub)
    for dimension in sorted(by_dimension, key=lambda d: d.number):
        subs = by_dimension[dimension]
        # The same scale the year before: the same sub-dimensions shared the dimension's 10 points.
        same_scale = before[dimension.pk] == {s.pk for s in subs}
        figures = []
        for sub in subs:
            values = national.get(sub.pk)
            figures.append(
                SubDimensionFigure(
                    sub,
                    value_of(year, sub.pk),
                    statistics.median(values) if values else None,
                    max(values) if values else None,
                    value_of(year - 1, sub.pk) if same_scale else None,
                )
            )
        figures.sort(key=lambda f: (f.pull is None, -(f.pull or 0)))
        for figure in [f for f in figures if f.below_median][:WEAKEST]:
            figure.weakest = True
        analysis.dimensions.append(DimensionBreakdown(dimension, figures, rescaled=not same_scale))
    return analysis
