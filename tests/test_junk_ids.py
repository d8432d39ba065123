"""Ids sent back by the app's forms are read without trusting them (papi_tracker.ids): "²" is a
digit to str.isdigit() but not to int(), and a 30-digit id overflows; either answers as junk, never
a 500. Found by review; each request below answered 500 before."""

import pytest
from django.urls import reverse

from papi_tracker.ids import given_id, given_ids
from plans.models import Agency
from reporting import workflow
from tests.reporting.test_one_answer_per_task import coordinated, form_data  # noqa: F401

pytestmark = pytest.mark.django_db

JUNK = ["²", "9" * 30, "١٢", "-1", " 7"]


def test_given_ids_keep_ascii_ids_only():
    assert [given_id(v) for v in ["12", *JUNK, None, ""]] == [12, None, None, None, None, None, None, None]
    assert given_ids(["3", "3", "1", *JUNK]) == [1, 3]


@pytest.fixture
def no_raise(client):
    client.raise_request_exception = False
    return client


@pytest.mark.parametrize("junk", JUNK)
def test_junk_in_the_new_forms_is_never_a_500(no_raise, lead_reporter, coordinator, administrator, an_giang_plan, junk):
    period = an_giang_plan.periods.get(kind="year")
    health = Agency.objects.get(province=an_giang_plan.province, name="Sở Y tế")
    report = workflow.save_draft(agency=health, period=period, user=lead_reporter, seen_version=0,
                                 difficulties="", proposals="", progress={})  # fmt: skip
    no_raise.force_login(lead_reporter)
    assert no_raise.post(reverse("notification_mark_read"), {"notification": junk}).status_code == 302
    response = no_raise.post(reverse("report_thread", args=[report.pk]), {"task": junk, f"body-{junk}": "x"})
    assert response.status_code < 500
    no_raise.force_login(coordinator)
    assert no_raise.post(reverse("period_export_selected", args=[period.pk]), {"agency": junk}).status_code == 302
    assert no_raise.post(reverse("report_return", args=[report.pk]), {"note": "x", "version": junk}).status_code < 500
    no_raise.force_login(administrator)
    for query in ({"period__plan__province__id__exact": junk}, {"period__plan__id__exact": junk}):
        assert no_raise.get("/quan-tri/reporting/report/", query).status_code < 500


def test_a_junk_take_in_on_the_lead_form_is_left_out(client, lead_reporter, coordinated, an_giang_plan):  # noqa: F811
    period, task, theirs = coordinated
    health = Agency.objects.get(province=an_giang_plan.province, name="Sở Y tế")
    url = reverse("report_form", args=[period.pk, health.pk])
    client.force_login(lead_reporter)
    data = form_data(client.get(url))
    data[f"t{task.pk}-take_in"] = ["²", str(theirs.pk)]
    assert client.post(url, data).status_code == 302
    assert list(theirs.taken_into.values_list("task_id", flat=True)) == [task.pk]
