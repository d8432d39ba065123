"""Where the score is lost (indicators/sub_dimensions.py): each dimension's sub-dimensions beside
the nation's median and best, the change since the year before, and the weakest, on the
province page.

Figures worked out by hand from fixtures/reference/papi_scores.csv (rows `2024,P57,An Giang,…,3,SC3x`
and the 61 provinces' rows of the same sub-dimension; with 61 values the median is the 31st):

    An Giang, dimension 3 (accountability), 2024       score   median   best    2023    change   pull
    3.1 Interactions with local authorities (SC31)    1.8429  1.9738   2.2201  1.9297  −0.0868  0.1309
    3.2 Responses to citizens' appeals (SC32)         0.4259  0.4743   0.6106  0.4105  +0.0154  0.0484
    3.3 Access to justice services (SC33)             1.7279  1.8446   2.0811  1.7206  +0.0073  0.1167

All three lie below the median; the two largest pulls are 3.1 and 3.3, so 3.2 is not marked.
"""

from decimal import Decimal

import pytest
from django.urls import reverse

from indicators.models import Province
from indicators.sub_dimensions import sub_dimension_analysis

pytestmark = pytest.mark.django_db

D = Decimal


def breakdown(analysis, number):
    return next(b for b in analysis.dimensions if b.dimension.number == number)


def figures(analysis, number):
    return {f.sub_dimension.code: f for f in breakdown(analysis, number).figures}


def test_an_giang_2024_accountability_by_hand():
    analysis = sub_dimension_analysis(Province.objects.get(code="an-giang"), 2024)
    assert not analysis.derived and [b.dimension.number for b in analysis.dimensions] == [1, 2, 3, 4, 5, 6, 7, 8]
    d3 = figures(analysis, 3)
    expected = {
        "D3.1": (D("1.8429"), D("1.9738"), D("2.2201"), D("1.9297"), D("-0.0868"), D("0.1309")),
        "D3.2": (D("0.4259"), D("0.4743"), D("0.6106"), D("0.4105"), D("0.0154"), D("0.0484")),
        "D3.3": (D("1.7279"), D("1.8446"), D("2.0811"), D("1.7206"), D("0.0073"), D("0.1167")),
    }
    assert {code: (f.value, f.median, f.best, f.previous, f.change, f.pull) for code, f in d3.items()} == expected
    # Ranked by pull, the weakest first; the two largest pulls below the median are marked.
    ranked = breakdown(analysis, 3).figures
    assert [f.sub_dimension.code for f in ranked] == ["D3.1", "D3.3", "D3.2"]
    assert [f.sub_dimension.code for f in breakdown(analysis, 3).weakest] == ["D3.1", "D3.3"]
    assert d3["D3.2"].below_median and not d3["D3.2"].weakest


def test_a_sub_dimension_above_the_median_is_never_among_the_weakest():
    # An Giang 2024, dimension 7: 7.1 1.2663 (median 1.0540), 7.2 2.0271 (1.9899), 7.3 1.0006 (0.5371): all above.
    d7 = breakdown(sub_dimension_analysis(Province.objects.get(code="an-giang"), 2024), 7)
    assert d7.weakest == []
    assert [(f.sub_dimension.code, f.pull) for f in d7.figures] == [
        ("D7.2", D("-0.0372")),
        ("D7.1", D("-0.2123")),
        ("D7.3", D("-0.4635")),
    ]


def test_a_rescaled_dimension_shows_no_change():
    # Dimension 5 lost its construction permits (D5.2) in 2021: its other three went from a 2,5 to a 3,33 scale.
    an_giang = Province.objects.get(code="an-giang")
    d5 = breakdown(sub_dimension_analysis(an_giang, 2021), 5)
    assert d5.rescaled and {f.sub_dimension.code for f in d5.figures} == {"D5.1", "D5.3", "D5.4"}
    assert all(f.change is None and f.value is not None for f in d5.figures)
    assert not breakdown(sub_dimension_analysis(an_giang, 2022), 5).rescaled
    assert all(f.change is not None for f in breakdown(sub_dimension_analysis(an_giang, 2022), 5).figures)


def test_a_unit_of_1_7_2025_shows_its_former_provinces_mean():
    # An Giang 2025 = An Giang + Kiên Giang. 1.2 in 2024: (1.1621 + 0.9555) / 2 = 1.0588; the median stays the
    # nation's published 1.3802.
    unit = Province.objects.get(code="an-giang-2025")
    analysis = sub_dimension_analysis(unit, 2024)
    assert analysis.derived and [p.name for p in analysis.derived_from] == ["An Giang", "Kiên Giang"]
    d1 = figures(analysis, 1)
    published = figures(sub_dimension_analysis(Province.objects.get(code="an-giang"), 2024), 1)
    kien_giang = figures(sub_dimension_analysis(Province.objects.get(code="kien-giang"), 2024), 1)
    assert kien_giang["D1.2"].value == D("0.9555")
    assert d1["D1.2"].value == D("1.0588") and d1["D1.2"].median == published["D1.2"].median == D("1.3802")
    # 2023: An Giang 1.1553, Kiên Giang 1.1276: mean 1.14145, rounded half up as derived.py rounds.
    assert (published["D1.2"].previous, kien_giang["D1.2"].previous, d1["D1.2"].previous) == (
        D("1.1553"),
        D("1.1276"),
        D("1.1415"),
    )


def test_a_year_without_sub_dimension_scores_gives_nothing():
    assert sub_dimension_analysis(Province.objects.get(code="an-giang"), 2016).dimensions == []
    assert sub_dimension_analysis(Province.objects.get(code="an-giang-2025"), 2016).dimensions == []


def test_the_analysis_reads_a_fixed_number_of_queries(django_assert_num_queries):
    an_giang, unit = Province.objects.get(code="an-giang"), Province.objects.get(code="an-giang-2025")
    with django_assert_num_queries(2):  # the framework, every province's sub-dimension scores of both years
        sub_dimension_analysis(an_giang, 2024)
    with django_assert_num_queries(2):
        sub_dimension_analysis(an_giang, 2019)
    with django_assert_num_queries(3):  # and the unit's former provinces
        sub_dimension_analysis(unit, 2024)
    former = list(Province.objects.filter(successor=unit))
    with django_assert_num_queries(2):
        sub_dimension_analysis(unit, 2024, former=former)


def test_the_province_page_shows_them_in_vietnamese_figures(client, viewer):
    client.force_login(viewer)
    response = client.get(reverse("province_detail", args=["an-giang"]))
    assert response.status_code == 200
    analysis = response.context["analysis"]
    assert analysis.year == 2024 and response.context["sub_years"] == [2024, 2023, 2022, 2021, 2020, 2019, 2018]
    text = response.text
    assert "Điểm bị mất ở đâu: chỉ số thành phần năm 2024" in text
    start = text.index("<summary><strong>3. Trách nhiệm giải trình")
    section = text[start : text.index("</details>", start)]
    assert "yếu nhất:</summary>" not in section  # the summary names them
    assert "yếu nhất: 3.1 " in section and "; 3.3 " in section
    # 3.1: score, median, best, change, gap to the median, with decimal commas.
    row = section[section.index('<th scope="row">3.1 ') :]
    row = row[: row.index("</tr>")]
    for shown in ("1,84", "1,97", "2,22", "-0,09", "thiếu 0,13", "kéo điểm xuống nhiều nhất"):
        assert shown in row
    row = section[section.index('<th scope="row">3.2 ') :]
    row = row[: row.index("</tr>")]
    assert "+0,02" in row and "thiếu 0,05" in row and "kéo điểm xuống nhiều nhất" not in row
    assert section.count("kéo điểm xuống nhiều nhất") == 2
    assert 'data-label="Trung vị toàn quốc"' in section and "stacked" in section


def test_another_year_is_asked_for_and_a_bad_one_falls_back(client, viewer):
    client.force_login(viewer)
    url = reverse("province_detail", args=["an-giang"])
    assert client.get(url, {"nam": "2021"}).context["analysis"].year == 2021
    page = client.get(url, {"nam": "2021"}).text
    assert "đổi thang điểm" in page  # dimension 5's change across scales is not shown
    for bad in ("abc", "1999", "2016", "-1", "9" * 30):
        response = client.get(url, {"nam": bad})
        assert response.status_code == 200 and response.context["analysis"].year == 2024


def test_a_unit_page_says_its_figures_are_derived(client, viewer):
    client.force_login(viewer)
    response = client.get(reverse("province_detail", args=["an-giang-2025"]))
    assert response.context["analysis"].derived
    assert "PAPI chưa công bố điểm chỉ số thành phần cho đơn vị này" in response.text
    assert "An Giang, Kiên Giang" in response.text and "Điểm ước tính" in response.text
    assert "1,06" in response.text  # 1.2's derived 1.0588


def test_a_province_without_scores_shows_no_section(client, viewer):
    Province.objects.create(code="tinh-moi", name="Tỉnh Mới")
    client.force_login(viewer)
    response = client.get(reverse("province_detail", args=["tinh-moi"]))
    assert response.status_code == 200 and response.context["analysis"] is None
    assert "Điểm bị mất ở đâu" not in response.text


@pytest.mark.parametrize(("code", "expected"), [("an-giang", 13), ("quang-tri", 13), ("lam-dong-2025", 14)])
def test_the_page_runs_a_fixed_number_of_queries(client, viewer, code, expected, django_assert_num_queries):
    # session, user, the viewer's two-factor device, province, its (and its former provinces') scores, national
    # statistics, dimensions, predecessors, targets, the header's unread count; the sub-dimensions' years, framework
    # and scores (indicators.sub_dimensions). A unit of 1/7/2025 (three former provinces) adds its derived total's
    # one (indicators.derived: its former provinces' scores; that it has none of its own, the page knows already).
    client.force_login(viewer)
    with django_assert_num_queries(expected):
        client.get(reverse("province_detail", args=[code]))
