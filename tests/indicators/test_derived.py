"""A merged unit's scores before PAPI publishes its own: the plain mean of its former provinces',
worked by hand here, shown as derived, never in ranks or national statistics."""

from decimal import Decimal

import pytest
from django.utils import translation

from indicators.derived import derived_scores
from indicators.history import national_statistics
from indicators.models import Dimension, Province, Score

pytestmark = pytest.mark.django_db


def published(code, year, number):
    return Score.objects.get(province__code=code, year=year, dimension__number=number, sub_dimension=None).value


def test_the_merged_an_giang_is_the_mean_of_an_giang_and_kien_giang_by_hand():
    unit = Province.objects.get(code="an-giang-2025")
    d1 = Dimension.objects.get(number=1)
    # Published 2024, dimension 1: An Giang 4,2719, Kiên Giang 4,1186; (4,2719 + 4,1186) / 2 = 4,19525 → 4,1953.
    assert (published("an-giang", 2024, 1), published("kien-giang", 2024, 1)) == (Decimal("4.2719"), Decimal("4.1186"))
    derived = derived_scores(unit, 2024)
    assert derived[d1.pk].value == Decimal("4.1953")
    assert [p.name for p, _v in derived[d1.pk].parts] == ["An Giang", "Kiên Giang"]
    assert derived[None].value == ((published_total("an-giang") + published_total("kien-giang")) / 2).quantize(
        Decimal("0.0001"), "ROUND_HALF_UP"
    )
    with translation.override("vi"):
        assert derived[d1.pk].source == "ước tính từ An Giang 4,27 và Kiên Giang 4,12"


def published_total(code):
    return Score.objects.get(province__code=code, year=2024, dimension__isnull=True).value


def test_derived_scores_are_never_stored_nor_ranked():
    unit = Province.objects.get(code="an-giang-2025")
    stats_before = national_statistics([2024])
    derived_scores(unit, 2024)
    assert not Score.objects.filter(province=unit).exists()
    assert national_statistics([2024]) == stats_before


def test_a_unit_with_its_own_published_scores_or_no_predecessor_has_none_derived():
    unit = Province.objects.get(code="an-giang-2025")
    Score.objects.create(province=unit, year=2025, dimension=Dimension.objects.get(number=1), value=Decimal("5.1"))
    assert derived_scores(unit, 2025) == {}
    assert derived_scores(Province.objects.get(code="an-giang"), 2024) == {}  # a former province: its own
