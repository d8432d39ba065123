from decimal import Decimal

import pytest
from django.urls import reverse

from tests.charts import embedded_svgs

pytestmark = pytest.mark.django_db


def test_it_shows_the_published_history_with_rank_of_those_ranked(client, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("province_detail", args=["an-giang"]))
    assert response.status_code == 200
    rows = {row["year"]: row for row in response.context["rows"]}
    assert min(rows) == 2011 and max(rows) == 2024
    total = rows[2018]["total"]
    assert (round(total.value, 2), total.rank, total.ranked) == (Decimal("44.43"), 25, 61)
    assert "44,43" in response.text and "25/61" in response.text
    assert len(rows[2017]["cells"]) == 8 and rows[2017]["cells"][6][1] is None  # no environment dimension before 2018


def test_the_provinces_own_plan_targets_are_marked(client, coordinator, other_province_coordinator):
    url = reverse("province_detail", args=["an-giang"])
    client.force_login(coordinator)
    cells = {row["year"]: row["cells"] for row in client.get(url).context["rows"]}
    dimension, point, target = cells[2020][0]
    assert dimension.number == 1 and target.target_score == Decimal("5.40")
    client.force_login(other_province_coordinator)  # reads the public scores, not An Giang's plan
    cells = {row["year"]: row["cells"] for row in client.get(url).context["rows"]}
    assert cells[2020][0][2] is None


def test_a_merged_unit_leads_to_each_former_province(client, viewer):
    client.force_login(viewer)
    response = client.get(reverse("province_detail", args=["lam-dong-2025"]))
    assert response.status_code == 200
    for code in ("dak-nong", "binh-thuan", "lam-dong"):
        assert reverse("province_detail", args=[code]) in response.text
    assert "Chưa có điểm PAPI công bố" not in response.text  # its former provinces' history instead


def test_an_unknown_province_is_not_found(client, viewer):
    client.force_login(viewer)
    assert client.get(reverse("province_detail", args=["atlantis"])).status_code == 404


def test_it_runs_a_fixed_number_of_queries(client, coordinator, django_assert_num_queries):
    # session, user, the session's two-factor device, province, its scores, national statistics, dimensions, predecessors,
    # targets, the header's unread count; the sub-dimensions' years, framework and scores (indicators.sub_dimensions)
    client.force_login(coordinator)
    with django_assert_num_queries(13):
        client.get(reverse("province_detail", args=["an-giang"]))
    with django_assert_num_queries(13):
        client.get(reverse("province_detail", args=["quang-tri"]))


def test_the_charts_show_the_history_beside_the_nation_with_the_targets(client, coordinator, other_province_coordinator):
    url = reverse("province_detail", args=["an-giang"])
    client.force_login(coordinator)
    charts = embedded_svgs(client.get(url).text)
    assert len(charts) == 9  # the total, then 8 dimensions
    total = charts[0]
    assert "Tổng điểm PAPI" in total and "44,43" in total and "Trung vị toàn quốc" in total and "2011" in total
    assert "<script" not in total  # nothing runs; the page's CSP allows data: images only
    first = charts[1]
    assert "1. Tham gia của người dân ở cấp cơ sở" in first and "Mục tiêu kế hoạch" in first and "5,40" in first
    client.force_login(other_province_coordinator)  # An Giang's plan is not theirs: no target marks
    assert "Mục tiêu kế hoạch" not in embedded_svgs(client.get(url).text)[1]


def test_the_charts_follow_the_language(client, coordinator):
    client.force_login(coordinator)
    client.cookies["django_language"] = "en"
    total = embedded_svgs(client.get(reverse("province_detail", args=["an-giang"])).text)[0]
    assert "Total PAPI score" in total and "44.43" in total


def test_a_merged_unit_shows_its_former_provinces_history_and_a_derived_estimate(client, viewer):
    client.force_login(viewer)
    page = client.get(reverse("province_detail", args=["an-giang-2025"]))
    text = page.text
    assert "Chưa có điểm PAPI công bố" not in text
    assert "Tổng điểm và xếp hạng của các tỉnh trước sắp xếp" in text
    assert reverse("province_detail", args=["an-giang"]) in text and reverse("province_detail", args=["kien-giang"]) in text
    assert "44,43" in text and "#25/" in text  # An Giang 2018, rank 25
    assert "ước tính từ An Giang" in text and "Kiên Giang" in text
    (chart,) = embedded_svgs(page.context["former_chart"])
    assert "An Giang" in chart and "Kiên Giang" in chart and "Trung vị toàn quốc" in chart
