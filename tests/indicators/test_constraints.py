from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from indicators.models import Dimension, Province, Score, SubDimension

pytestmark = pytest.mark.django_db


@pytest.fixture
def new_province():
    return Province.objects.create(code="tinh-thu", name="Tỉnh thử")


@pytest.mark.parametrize("value", ["0.99", "10.01", "-1"])
def test_the_database_refuses_a_dimension_score_outside_1_to_10(new_province, value):
    with pytest.raises(IntegrityError), transaction.atomic():
        Score.objects.create(province=new_province, year=2020, dimension=Dimension.objects.get(number=1), value=Decimal(value))


def test_the_database_refuses_a_total_above_80(new_province):
    with pytest.raises(IntegrityError), transaction.atomic():
        Score.objects.create(province=new_province, year=2020, value=Decimal("80.5"))


def test_validation_bounds_a_sub_dimension_by_its_dimensions_share_that_year(new_province):
    d8 = Dimension.objects.get(number=8)
    portals = SubDimension.objects.get(code="D8.1")
    # 2018: D8 had two sub-dimensions (each up to 5); from 2019 three (each up to 3.33).
    Score(province=new_province, year=2018, dimension=d8, sub_dimension=portals, value=Decimal("4.5")).full_clean()
    with pytest.raises(ValidationError) as error:
        Score(province=new_province, year=2019, dimension=d8, sub_dimension=portals, value=Decimal("4.5")).full_clean()
    assert "không quá 3,33" in str(error.value) or "không quá 3.33" in str(error.value)


def test_validation_refuses_a_total_outside_the_years_scale(new_province):
    with pytest.raises(ValidationError):
        Score(province=new_province, year=2015, value=Decimal("65")).full_clean()  # 6 dimensions: at most 60
    Score(province=new_province, year=2020, value=Decimal("65")).full_clean()


def test_real_scores_all_pass_validation():
    # Real data must never be refused: the smallest and largest published values validate.
    for score in [
        Score.objects.filter(sub_dimension__isnull=False).order_by("value").first(),
        Score.objects.filter(sub_dimension__isnull=False).order_by("-value").first(),
        Score.objects.filter(dimension__isnull=False, sub_dimension__isnull=True).order_by("value").first(),
    ]:
        score.full_clean()


def test_a_province_has_one_score_per_dimension_and_year():
    existing = Score.objects.filter(dimension__isnull=False, sub_dimension__isnull=True).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Score.objects.create(province=existing.province, year=existing.year, dimension=existing.dimension, value=Decimal("5"))


def test_a_sub_dimension_score_needs_its_dimension(new_province):
    with pytest.raises(IntegrityError), transaction.atomic():
        Score.objects.create(province=new_province, year=2020, sub_dimension=SubDimension.objects.get(code="D1.1"), value=1)
