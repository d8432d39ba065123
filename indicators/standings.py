"""Totals, ranks and performance groups derived from published dimension scores.

PAPI ranks provinces by score and splits them into four groups at the quartiles of
that year's scores (linear interpolation between ranks: 63 provinces give groups of
16, 16, 15 and 16, as in the published 2019 report).
"""

import statistics
from collections import defaultdict

from django.db import transaction

from .models import Dimension, PerformanceGroup, Score


def performance_group(value, cut_points):
    """The group of a score given the year's three quartile cut points (low to high)."""
    q1, q2, q3 = cut_points
    if value >= q3:
        return PerformanceGroup.HIGHEST
    if value >= q2:
        return PerformanceGroup.HIGH_AVERAGE
    if value >= q1:
        return PerformanceGroup.LOW_AVERAGE
    return PerformanceGroup.LOWEST


def quartile_cut_points(values):
    return statistics.quantiles(values, n=4, method="inclusive")


def competition_ranks(values):
    """Rank 1 for the highest; equal values share a rank (1, 2, 2, 4)."""
    ordered = sorted(values, reverse=True)
    first_position = {}
    for position, value in enumerate(ordered, start=1):
        first_position.setdefault(value, position)
    return [first_position[value] for value in values]


@transaction.atomic
def recompute_totals(year):
    """Write each province's total for the year: the sum of its dimension scores, only
    where every dimension of that year's framework is present (a partial sum would rank
    a province with missing data at the bottom)."""
    dimension_count = Dimension.objects.for_year(year).count()
    sums, counts = defaultdict(int), defaultdict(int)
    for province_id, value in Score.objects.filter(year=year, dimension__isnull=False, sub_dimension__isnull=True).values_list(
        "province_id", "value"
    ):
        sums[province_id] += value
        counts[province_id] += 1
    complete = {pid: total for pid, total in sums.items() if counts[pid] == dimension_count}

    existing = {s.province_id: s for s in Score.objects.filter(year=year, dimension__isnull=True)}
    Score.objects.filter(pk__in=[s.pk for pid, s in existing.items() if pid not in complete]).delete()
    changed, new = [], []
    for pid, total in complete.items():
        score = existing.get(pid)
        if score is None:
            new.append(Score(province_id=pid, year=year, value=total))
        elif score.value != total:
            score.value = total
            changed.append(score)
    Score.objects.bulk_create(new)
    Score.objects.bulk_update(changed, ["value"])


@transaction.atomic
def recompute_standings(year):
    """Rank and group every province for the total, each dimension and each sub-dimension."""
    by_level = defaultdict(list)
    for score in Score.objects.filter(year=year).only("id", "dimension_id", "sub_dimension_id", "value", "rank", "group"):
        by_level[(score.dimension_id, score.sub_dimension_id)].append(score)
    changed = []
    for scores in by_level.values():
        values = [s.value for s in scores]
        cut_points = quartile_cut_points(values) if len(values) >= 2 else None
        for score, rank in zip(scores, competition_ranks(values), strict=True):
            group = performance_group(score.value, cut_points) if cut_points else None
            if (score.rank, score.group) != (rank, group):
                score.rank, score.group = rank, group
                changed.append(score)
    # One UPDATE per (rank, group) pair, at most (provinces ranked) × 4 whatever the rows: bulk_update
    # built and ran a CASE over every changed row, seconds a year (most of a fresh load's time).
    by_standing = defaultdict(list)
    for score in changed:
        by_standing[(score.rank, score.group)].append(score.pk)
    for (rank, group), ids in by_standing.items():
        Score.objects.filter(pk__in=ids).update(rank=rank, group=group)
    return len(changed)
