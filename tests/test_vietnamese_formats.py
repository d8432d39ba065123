"""Vietnamese formats as officials read them: comma decimals ("10,5 MB"), whole numbers whole,
dates dd/mm/yyyy, "22 %" kept on one line, periods in calendar order, "đ" kept as "d" in the
names of downloaded files."""

import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation
from django.utils.text import slugify

from papi_tracker.downloads import filename_slug

NBSP = "\u00a0"


def render(source, language="vi", **context):
    with translation.override(language):
        return Template("{% load common_tags %}" + source).render(Context(context))


def test_sizes_and_scores_have_a_decimal_comma():
    assert render("{{ size|filesizeformat }}", size=11010048) == f"10,5{NBSP}MB"
    assert render("{{ size|filesizeformat }}", language="en", size=11010048) == f"10.5{NBSP}MB"
    assert render("{{ score|floatformat:2 }}", score=Decimal("4.5612")) == "4,56"


def test_a_whole_measure_is_shown_whole():
    # The templates show a task's measure and an achieved value with floatformat:"-2".
    assert render('{{ value|floatformat:"-2" }}', value=Decimal("100.00")) == "100"
    assert render('{{ value|floatformat:"-2" }}', value=Decimal("12.50")) == "12,50"
    assert render('{{ value|floatformat:"-2" }}', value=95.0) == "95"


def test_dates_are_day_first_in_both_languages():
    day, moment = datetime.date(2026, 1, 5), datetime.datetime(2026, 1, 5, 9, 3)
    for language in ("vi", "en"):
        assert render('{{ d|date:"SHORT_DATE_FORMAT" }}', language, d=day) == "05/01/2026"
        assert render('{{ m|date:"SHORT_DATETIME_FORMAT" }}', language, m=moment) == "09:03 05/01/2026"
    # The import previews carry dates as ISO text and show them the same way.
    assert render('{{ d|parse_iso_date|date:"SHORT_DATE_FORMAT" }}', d="2026-01-15") == "15/01/2026"


def test_a_percent_sign_stays_with_its_number():
    assert render("{{ s|nbsp_percent }}", s="đạt 22 %; đúng hạn (8 %)") == f"đạt 22{NBSP}%; đúng hạn (8{NBSP}%)"
    assert render("{{ s|nbsp_percent }}", s="<b>5 %</b>") == f"&lt;b&gt;5{NBSP}%&lt;/b&gt;"  # still escaped
    assert render("{{ s|nbsp_percent }}", s="tỷ lệ % cao") == "tỷ lệ % cao"  # no number, no change
    block = "{% filter nbsp_percent %}{% load i18n %}{% blocktranslate %}đạt {{ rate }} %{% endblocktranslate %}{% endfilter %}"
    assert render(block, rate=40) == f"đạt 40{NBSP}%"


def test_download_names_keep_d_for_dj():
    assert slugify("Đắk Nông") == "ak-nong"  # why the helper exists
    assert filename_slug("UBND xã Đắk Nia") == "ubnd-xa-dak-nia"
    assert filename_slug("46/QĐ-UBND") == "46qd-ubnd"
    assert filename_slug("Quý 1/2020") == slugify("Quý 1/2020")  # names without "đ" are as before


@pytest.mark.django_db
def test_the_plan_page_lists_periods_in_calendar_order(client, viewer, an_giang_plan):
    client.force_login(viewer)
    periods = client.get(reverse("plan_detail", args=[an_giang_plan.pk])).context["periods"]
    ends = [(p.end, p.end - p.start) for p in periods]
    assert ends == sorted(ends)  # by cut-off; a quarter before the longer period that ends with it
    labels = [p.label for p in periods]
    assert labels.index("Quý 2/2020") < labels.index("6 tháng 2020") < labels.index("Quý 3/2020")


@pytest.mark.django_db
def test_the_dashboard_keeps_percent_signs_with_their_numbers(client, viewer, an_giang_plan):
    client.force_login(viewer)
    page = client.get(reverse("plan_dashboard", args=[an_giang_plan.pk])).text
    assert f"{NBSP}%)" in page
    assert " %)" not in page and " %;" not in page


@pytest.mark.django_db
def test_periods_are_in_calendar_order_wherever_they_are_listed(client, coordinator, an_giang_plan):
    """The model's own order (pickers, admin, to-do lists) and the review queue's: "Quý 2" before
    "6 tháng", "Quý 4" before "Năm", though each pair ends on the same day."""
    labels = [p.label for p in an_giang_plan.periods.all()]
    assert labels.index("Quý 2/2020") < labels.index("6 tháng 2020") < labels.index("Quý 3/2020")
    assert labels.index("Quý 4/2020") < labels.index("Năm 2020")
    client.force_login(coordinator)
    page = client.get(reverse("plan_periods", args=[an_giang_plan.pk])).text
    assert page.index("Quý 2/2020") < page.index("6 tháng 2020") < page.index("9 tháng 2020") < page.index("Năm 2020")


def test_official_documents_keep_a_number_with_its_unit():
    from papi_tracker.pdf import keep_units_together

    html = '<style>td { width: 7% }</style><p class="x">đạt 22 % trong 9 tháng năm 2020, Quý 3; 58 nhiệm vụ</p>'
    kept = keep_units_together(html)
    assert kept.startswith("<style>td { width: 7% }</style>")  # markup and styles untouched
    for words in ("22\u00a0%", "9\u00a0tháng", "Quý\u00a03", "58\u00a0nhiệm vụ"):
        assert words in kept, words
