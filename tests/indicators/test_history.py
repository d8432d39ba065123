from decimal import Decimal

import pytest

from indicators.history import province_history
from indicators.models import Province

pytestmark = pytest.mark.django_db


def test_an_giang_history_runs_from_2011_with_each_years_framework():
    history = province_history(Province.objects.get(code="an-giang"))
    assert history.years[0] == 2011 and history.years[-1] == 2024
    d1 = history.dimensions[0]
    assert [p.year for p in d1.points] == history.years  # dimension 1 exists every year
    d7 = history.dimensions[6]
    assert d7.points[0].year == 2018  # environmental governance only from 2018


def test_it_puts_the_published_total_rank_and_group_beside_the_national_median_and_best():
    point = province_history(Province.objects.get(code="an-giang")).total.point(2018)
    assert round(point.value, 2) == Decimal("44.43")
    assert (point.rank, point.group, point.ranked) == (25, 2, 61)
    assert point.median is not None and point.best >= point.value >= point.median


def test_a_merged_province_keeps_the_history_of_each_former_one():
    lam_dong = Province.objects.get(code="lam-dong-2025")
    history = province_history(lam_dong)
    assert history.years == []  # the new unit has no published score yet
    # Vietnamese alphabetical order (papi_tracker.collation): Đ after D, before L.
    assert [h.province.name for h in history.former] == ["Bình Thuận", "Đắk Nông", "Lâm Đồng"]
    dak_nong = history.former[1]
    assert round(dak_nong.total.point(2016).value, 2) == Decimal("35.89")  # as published


def test_it_runs_a_fixed_number_of_queries(django_assert_num_queries):
    province = Province.objects.get(code="an-giang")
    # scores, national statistics, dimensions, predecessors
    with django_assert_num_queries(4):
        province_history(province)
