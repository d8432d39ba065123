"""Scores of a unit formed on 1/7/2025 before PAPI publishes its own: derived from its
predecessors', never published.

The rule, one for every use (baselines of targets, the province page): a dimension's derived
score for a year is the plain mean of the published scores of the unit's former provinces
that year, rounded to 4 decimals as PAPI publishes. A population-weighted mean would be
closer, but no population figures of the 63 former provinces are shipped with the reference
data (fixtures/reference/provinces_2025.json has the new units' only), so the plain mean is
used and said.

Derived scores are computed here on demand and never stored as Score rows, so they never enter
ranks, groups or national statistics (indicators.standings, indicators.history read Score only).
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, Subquery
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _

from .models import Province, Score

PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class DerivedScore:
    """A derived score and what it was derived from: [(former province, its published score)]."""

    value: Decimal
    parts: tuple

    derived = True

    @property
    def source(self):
        """ "ước tính từ An Giang 4,56 và Kiên Giang 4,31" (the parts in the page's language)."""
        items = [f"{province.name} {floatformat(value, 2)}" for province, value in self.parts]
        joined = items[0] if len(items) == 1 else _("%(first)s và %(last)s") % {"first": ", ".join(items[:-1]), "last": items[-1]}
        return _("ước tính từ %(parts)s") % {"parts": joined}


def former_scores(unit, year):
    """The published scores of the unit's former provinces that year, each with the number of
    former provinces (`former_count`): a mean of some of them only would mislead. Callers may
    OR this condition into a query of their own (reporting.progress.plan_scores)."""
    return (
        Score.objects.filter(former_condition(unit, year), sub_dimension__isnull=True)
        .annotate(former_count=former_count(unit))
        .select_related("province")
        .order_by("province__name")
    )


def former_condition(unit, year):
    return Q(province__successor=unit, year=year)


def former_count(unit):
    """A subquery: how many former provinces the unit has."""
    return Subquery(Province.objects.filter(successor=unit).order_by().values("successor").annotate(n=Count("pk")).values("n"))


def derive(scores):
    """{dimension id (None for the total): DerivedScore} from rows of former_scores: the
    dimensions every former province has a score for."""
    by_dimension, expected = {}, 0
    for score in scores:
        expected = score.former_count
        by_dimension.setdefault(score.dimension_id, []).append((score.province, score.value))
    return {
        dimension: DerivedScore((sum(value for _p, value in parts) / len(parts)).quantize(PLACES, ROUND_HALF_UP), tuple(parts))
        for dimension, parts in by_dimension.items()
        if len(parts) == expected
    }


def derived_scores(unit, year, unpublished=False):
    """{dimension id (None for the total): DerivedScore} of a unit with former provinces, for a
    year in which the unit itself has no published score; {} otherwise. One query when the
    caller already knows the unit has none that year (`unpublished`), two otherwise."""
    if not unpublished and Score.objects.filter(province=unit, year=year, sub_dimension__isnull=True).exists():
        return {}
    return derive(former_scores(unit, year))
