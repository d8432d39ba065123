"""The {% field %} tag writes what Django's own rendering writes (label, widget, errors), only
faster: compared as HTML for every kind of field the report form has, empty, filled and wrong."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.test.html import parse_html
from django.utils import translation

from reporting.forms import ReportForm, TaskProgressForm

FAST = Template("{% load common_tags %}{% field f %}")
DJANGO = Template("{{ f.label_tag }} {{ f }}{{ f.errors }}")


def both(bound):
    context = Context({"f": bound})
    return parse_html(FAST.render(context)), parse_html(DJANGO.render(context))


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize(
    "data",
    [
        None,
        {"t1-status": "in_progress", "t1-percent_done": "40", "t1-achieved_value": "12,5", "t1-narrative": "Đã <b>làm</b> & xong",
         "t1-evidence": 'Số 12/"QĐ"', "t1-difficulties": "Thiếu\nngười"},
        {"t1-status": "nonsense", "t1-percent_done": "140", "t1-achieved_value": "abc"},
    ],
)  # fmt: skip
def test_every_field_of_the_report_form_is_written_as_django_writes_it(data, language):
    with translation.override(language):
        form = TaskProgressForm(data, prefix="t1", initial={"achieved_value": Decimal("7.25"), "status": "completed"})
        if data is not None:
            form.is_valid()
        for name in form.fields:
            fast, django = both(form[name])
            assert fast == django, name
        report = ReportForm({"version": "3", "difficulties": "Khó"} if data else None, initial={"version": 0})
        for name in report.fields:
            fast, django = both(report[name])
            assert fast == django, name


@pytest.mark.django_db
@pytest.mark.parametrize("data", [None, {"agency": "", "until": "31/12/2020", "reason": ""}, {"status": "returned", "kind": "x"}])
def test_the_review_pages_forms_are_written_as_django_writes_them(data, dak_nong_plan):
    from plans.obligations import agencies_owing
    from reporting.forms import ReopenForm
    from reporting.readers import QueueFilter

    period = dak_nong_plan.periods.get(kind="year")
    agencies = agencies_owing(dak_nong_plan)
    reopen = ReopenForm(data, agencies=agencies)
    filters = QueueFilter(data, queryset=agencies, period=period).form
    for form in (reopen, filters):
        if data is not None:
            form.is_valid()
        for name in form.fields:
            fast, django = both(form[name])
            assert fast == django, name


def test_many_forms_on_one_page_share_labels_and_options_but_keep_their_own_values():
    forms = [
        TaskProgressForm({f"t{n}-status": status, f"t{n}-narrative": f"Kết quả {n}"}, prefix=f"t{n}")
        for n, status in enumerate(["", "in_progress", "completed", "not_started"])
    ]
    fields = [form[name] for form in forms for name in form.fields]
    fast = Template("{% load common_tags %}{% for f in fields %}{% field f %}{% endfor %}").render(Context({"fields": fields}))
    loop = Template("{% for f in fields %}{{ f.label_tag }} {{ f }}{{ f.errors }}{% endfor %}")
    django = loop.render(Context({"fields": fields}))
    assert parse_html(fast) == parse_html(django)
    assert fast.count(" selected") == 4


def test_url_for_is_what_url_reverses_also_under_a_script_prefix():
    from django.urls import reverse, set_script_prefix

    from papi_tracker.fast_html import url_for

    for pk in (1, 42, 987654321):
        assert url_for(pk, "report_detail") == reverse("report_detail", args=[pk])
    set_script_prefix("/papi/")
    try:
        assert url_for(7, "report_detail") == reverse("report_detail", args=[7]) == "/papi/bao-cao/7/"
    finally:
        set_script_prefix("/")


@pytest.mark.django_db
@pytest.mark.parametrize("data", [{}, {"dimension": "x", "agency": "?", "status": "overdue"}])
def test_the_dashboards_filters_are_written_as_django_writes_them(data, an_giang_plan):
    from django import forms as django_forms

    from plans.obligations import agencies_owing
    from reporting.forms import TaskFilterForm

    form = TaskFilterForm(data, dimensions=[None], agencies=list(agencies_owing(an_giang_plan)))
    form.is_valid()
    for name in form.fields:
        fast, django = both(form[name])
        assert fast == django, name

    class Grouped(django_forms.Form):
        pick = django_forms.ChoiceField(choices=[("Nhóm", [("1", "Một"), ("2", "Hai")]), ("3", "Ba")])

    fast, django = both(Grouped({"pick": "2"})["pick"])
    assert fast == django
