"""A province's published scores over the years beside the nation's median and best, as
plain dataclasses for the province page, its charts and the PDF reports alike.

Queries: the province and its predecessors, the framework, the province's scores, the
year-level statistics; a fixed number whatever the years covered."""

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from papi_tracker.collation import vietnamese

from .models import Dimension, PerformanceGroup, Province, Score


@dataclass
class YearPoint:
    year: int
    value: Decimal | None
    rank: int | None
    group: int | None
    ranked: int  # how many provinces were ranked that year
    median: Decimal | None
    best: Decimal | None

    @property
    def group_label(self):
        return PerformanceGroup(self.group).label if self.group else ""


@dataclass
class Series:
    dimension: Dimension | None  # None: the total
    points: list = field(default_factory=list)

    def point(self, year):
        return next((p for p in self.points if p.year == year), None)


@dataclass
class ProvinceHistory:
    province: Province
    years: list
    total: Series
    dimensions: list  # Series per dimension, in framework order
    former: list  # histories of the provinces merged into this one on 1/7/2025


def national_statistics(years):
    """{(year, dimension_id or None): (median, best, ranked)} over every province with a score."""
    values = defaultdict(list)
    scores = Score.objects.filter(year__in=years, sub_dimension__isnull=True)
    # Unordered: Score's default ordering joins province, dimension and sub-dimension to sort
    # thousands of rows that are only grouped here.
    for year, dimension_id, value in scores.order_by().values_list("year", "dimension_id", "value"):
        values[(year, dimension_id)].append(value)
    return {key: (statistics.median(v), max(v), len(v)) for key, v in values.items()}


def province_history(province, include_former=True):
    """Scores by year for the total and each dimension (6 or 8, as the year's framework has),
    with the same for the provinces it was formed from. Four queries however many those are."""
    provinces = [province] + (list(province.predecessors.order_by(vietnamese("name"))) if include_former else [])
    scores = defaultdict(list)
    for score in Score.objects.filter(province__in=provinces, sub_dimension__isnull=True).order_by("year"):
        scores[score.province_id].append(score)
    all_years = sorted({s.year for listed in scores.values() for s in listed})
    stats = national_statistics(all_years)
    dimensions = list(Dimension.objects.order_by("number"))
    histories = [_history(p, scores[p.pk], stats, dimensions) for p in provinces]
    histories[0].former = histories[1:]
    return histories[0]


def _history(province, scores, stats, dimensions):
    years = sorted({s.year for s in scores})
    by_key = {(s.year, s.dimension_id): s for s in scores}

    def series(dimension):
        dimension_id = dimension.pk if dimension else None
        result = Series(dimension)
        for year in years:
            if dimension and not (
                dimension.since_year <= year and (dimension.until_year is None or year <= dimension.until_year)
            ):
                continue  # not in that year's framework
            score = by_key.get((year, dimension_id))
            median, best, ranked = stats.get((year, dimension_id), (None, None, 0))
            result.points.append(
                YearPoint(
                    year,
                    score.value if score else None,
                    score.rank if score else None,
                    score.group if score else None,
                    ranked,
                    median,
                    best,
                )  # fmt: skip
            )
        return result

    return ProvinceHistory(province, years, series(None), [series(d) for d in dimensions], [])
