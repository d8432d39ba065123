import datetime
from decimal import Decimal

import pytest
from django.db.models import Count

from indicators.models import Dimension, PerformanceGroup, Province, Score, SubDimension
from indicators.reference import load_all

pytestmark = pytest.mark.django_db


def test_it_applies_eight_dimensions_from_2018_and_six_before():
    assert Dimension.objects.for_year(2020).count() == 8
    assert Dimension.objects.for_year(2017).count() == 6
    assert list(Dimension.objects.for_year(2017).values_list("number", flat=True)) == [1, 2, 3, 4, 5, 6]


def test_it_counts_sub_dimensions_per_framework_year():
    assert SubDimension.objects.for_year(2018).count() == 28
    assert SubDimension.objects.for_year(2020).count() == 29  # e-responsiveness added 2019, permits kept until 2020
    assert SubDimension.objects.for_year(2021).count() == 28


def test_it_keeps_the_unverified_flags_of_the_framework():
    civic = SubDimension.objects.get(code="D1.1")
    assert not civic.verified and civic.unverified_fields == "name_vi"
    assert SubDimension.objects.get(code="D6.4").verified
    assert Dimension.objects.get(number=1).name_en == "Participation at Local Levels"


def test_it_has_63_provinces_before_and_34_after_the_merger():
    assert Province.objects.valid_on(datetime.date(2025, 1, 1)).count() == 63
    assert Province.objects.valid_on(datetime.date(2025, 6, 30)).count() == 63
    assert Province.objects.valid_on(datetime.date(2025, 7, 1)).count() == 34


def test_every_former_province_points_to_its_successor():
    former = Province.objects.filter(valid_until=datetime.date(2025, 6, 30))
    assert former.count() == 63
    assert not former.filter(successor__isnull=True).exists()
    dak_nong = Province.objects.get(code="dak-nong")
    assert dak_nong.successor.name == "Lâm Đồng"
    assert set(dak_nong.successor.predecessors.values_list("name", flat=True)) == {"Lâm Đồng", "Đắk Nông", "Bình Thuận"}
    assert str(dak_nong) == "Đắk Nông (trước 01/07/2025)"


def test_it_maps_the_panels_hue_to_thua_thien_hue():
    hue = Province.objects.get(code="thua-thien-hue")
    assert hue.scores.filter(year=2020).exists()
    assert hue.successor.name == "Huế"


def test_an_giang_2018_totals_44_43_and_ranks_25():
    total = Score.objects.get(province__code="an-giang", year=2018, dimension__isnull=True)
    assert round(total.value, 2) == Decimal("44.43")
    assert total.rank == 25
    assert total.group == PerformanceGroup.HIGH_AVERAGE  # "Nhóm các tỉnh đạt điểm trung bình cao", as the plan says


def test_quang_tri_2021_ranks_28():
    total = Score.objects.get(province__code="quang-tri", year=2021, dimension__isnull=True)
    assert round(total.value, 3) == Decimal("42.393")
    assert total.rank == 28


def test_groups_are_quartiles_of_16_16_15_16_in_2019():
    sizes = dict(
        Score.objects.filter(year=2019, dimension__isnull=True)
        .values_list("group")
        .annotate(n=Count("id"))
        .values_list("group", "n")
    )
    assert sizes == {1: 16, 2: 16, 3: 15, 4: 16}


def test_it_gives_no_total_where_a_dimension_is_missing():
    # The panel lacks Quảng Ninh's dimensions 2 and 4 for 2018: a partial sum would mis-rank it.
    assert not Score.objects.filter(province__code="quang-ninh", year=2018, dimension__isnull=True).exists()
    assert Score.objects.filter(year=2018, dimension__isnull=True).count() == 61


def test_every_dimension_score_is_the_sum_of_its_sub_dimensions():
    an_giang_2018_d7 = Score.objects.get(province__code="an-giang", year=2018, dimension__number=7, sub_dimension__isnull=True)
    parts = Score.objects.filter(province__code="an-giang", year=2018, sub_dimension__dimension__number=7)
    assert round(an_giang_2018_d7.value, 2) == Decimal("5.67")
    assert abs(sum(p.value for p in parts) - an_giang_2018_d7.value) < Decimal("0.01")


def test_it_loads_every_row_of_the_panel():
    # 18,327 rows in papi_scores.csv, plus one total per complete province-year.
    assert Score.objects.filter(dimension__isnull=False).count() == 18327
    assert Score.objects.filter(year=2011).values("province").distinct().count() == 63


def test_loading_again_changes_nothing():
    before = list(Score.objects.order_by("pk").values_list("pk", "value", "rank", "group"))
    provinces = list(Province.objects.order_by("pk").values_list("pk", "name", "successor_id"))
    assert load_all() == (0, 0)
    assert list(Score.objects.order_by("pk").values_list("pk", "value", "rank", "group")) == before
    assert list(Province.objects.order_by("pk").values_list("pk", "name", "successor_id")) == provinces
