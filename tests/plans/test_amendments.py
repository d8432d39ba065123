"""Decisions that amend a plan (plans.models.PlanAmendment, plans/amendments.py)."""

import datetime

import pytest
from django.urls import reverse

from plans.models import PlanAmendment

pytestmark = pytest.mark.django_db


def _amend(plan, number, day, summary="Bổ sung nhiệm vụ 1.9."):
    return PlanAmendment.objects.create(plan=plan, number=number, issued_on=day, summary=summary)


def test_a_coordinator_records_an_amendment(client, coordinator, an_giang_plan):
    client.force_login(coordinator)
    data = {"number": "25/QĐ-UBND", "issued_on": "15/03/2020", "summary": "Điều chỉnh thời hạn nhiệm vụ 6.2."}
    response = client.post(reverse("plan_amendment_add", args=[an_giang_plan.pk]), data)
    assert response.status_code == 302 and response["Location"] == reverse("plan_detail", args=[an_giang_plan.pk])
    amendment = PlanAmendment.objects.get(plan=an_giang_plan)
    assert (amendment.number, amendment.issued_on, amendment.created_by) == (
        "25/QĐ-UBND",
        datetime.date(2020, 3, 15),
        coordinator,
    )
    page = client.get(reverse("plan_detail", args=[an_giang_plan.pk])).text
    assert "25/QĐ-UBND" in page and "15/03/2020" in page and "Điều chỉnh thời hạn nhiệm vụ 6.2." in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"number": "", "issued_on": "15/03/2020", "summary": "x"}, "Hãy nhập số, ký hiệu của văn bản."),
        ({"number": "1/QĐ", "issued_on": "2020-03-15", "summary": "x"}, "Ghi ngày theo dạng ngày/tháng/năm"),
        ({"number": "1/QĐ", "issued_on": "15/03/2030", "summary": "x"}, "Ngày phải trong khoảng 01/01/2019 – 31/12/2021"),
        ({"number": "1/QĐ", "issued_on": "15/03/2020", "summary": ""}, "Hãy ghi nội dung sửa đổi."),
        ({"number": "1/QĐ", "issued_on": "15/03/2020", "summary": "x" * 2001}, "2000"),
    ],
)
def test_bad_input_is_refused_with_a_message(client, coordinator, an_giang_plan, data, message):
    client.force_login(coordinator)
    response = client.post(reverse("plan_amendment_add", args=[an_giang_plan.pk]), data)
    assert response.status_code == 400 and message in response.text
    assert not PlanAmendment.objects.exists()


def test_a_number_is_recorded_once(client, coordinator, an_giang_plan):
    _amend(an_giang_plan, "25/QĐ-UBND", datetime.date(2020, 3, 15))
    client.force_login(coordinator)
    data = {"number": "25/QĐ-UBND", "issued_on": "16/03/2020", "summary": "x"}
    response = client.post(reverse("plan_amendment_add", args=[an_giang_plan.pk]), data)
    assert response.status_code == 400 and "Kế hoạch đã có văn bản sửa đổi mang số này." in response.text
    assert PlanAmendment.objects.count() == 1


@pytest.mark.parametrize("cast", ["viewer", "lead_reporter", "other_province_coordinator"])
def test_only_the_plans_managers_record_one(client, request, cast, an_giang_plan):
    client.force_login(request.getfixturevalue(cast))
    data = {"number": "25/QĐ-UBND", "issued_on": "15/03/2020", "summary": "x"}
    assert client.post(reverse("plan_amendment_add", args=[an_giang_plan.pk]), data).status_code == 404
    assert not PlanAmendment.objects.exists()


def test_the_plan_page_shows_the_version_in_force_on_a_day(client, viewer, an_giang_plan):
    _amend(an_giang_plan, "25/QĐ-UBND", datetime.date(2020, 3, 15), "Sửa lần một.")
    _amend(an_giang_plan, "80/QĐ-UBND", datetime.date(2020, 9, 1), "Sửa lần hai.")
    client.force_login(viewer)
    url = reverse("plan_detail", args=[an_giang_plan.pk])
    response = client.get(url, {"ngay": "01/06/2020"})
    in_force = response.context["in_force"]
    assert [a.number for a in in_force.in_force] == ["25/QĐ-UBND"]
    assert [a.number for a in in_force.later] == ["80/QĐ-UBND"]
    assert "Kế hoạch có hiệu lực ngày 01/06/2020: văn bản ban hành và 1 văn bản sửa đổi." in response.text
    assert "Chưa ban hành" in response.text
    after = client.get(url, {"ngay": "02/09/2020"}).context["in_force"]
    assert [a.number for a in after.in_force] == ["25/QĐ-UBND", "80/QĐ-UBND"] and after.later == []
    # Before the plan itself was issued: nothing was in force.
    before = client.get(url, {"ngay": "01/01/2019"})
    assert before.context["in_force"].issued_yet is False and "kế hoạch chưa ban hành" in before.text
    assert "amendment_form" in before.context and before.context["amendment_form"] is None  # a viewer records nothing


def test_a_bad_day_says_so_and_shows_every_amendment(client, coordinator, an_giang_plan):
    _amend(an_giang_plan, "25/QĐ-UBND", datetime.date(2020, 3, 15))
    client.force_login(coordinator)
    response = client.get(reverse("plan_detail", args=[an_giang_plan.pk]), {"ngay": "32/13/2020"})
    assert response.status_code == 200
    assert "Ghi ngày theo dạng ngày/tháng/năm" in response.text
    assert [a.number for a in response.context["in_force"].in_force] == ["25/QĐ-UBND"]


def test_a_second_click_saving_the_same_number_is_not_a_500(client, coordinator, an_giang_plan, monkeypatch):
    """Found by review: two clicks both pass the number's check, the second hits the constraint."""
    from plans.amendments import AmendmentForm
    from plans.models import PlanAmendment

    data = {"number": "25/QĐ-UBND", "issued_on": "15/06/2020", "summary": "Sửa nhiệm vụ 1.1"}
    client.force_login(coordinator)
    url = reverse("plan_amendment_add", args=[an_giang_plan.pk])
    assert client.post(url, data).status_code == 302
    monkeypatch.setattr(AmendmentForm, "clean_number", lambda form: form.cleaned_data["number"])  # checked before the first saved
    response = client.post(url, data, follow=True)
    assert response.status_code == 200 and "Đã ghi văn bản sửa đổi 25/QĐ-UBND." in response.text
    assert PlanAmendment.objects.filter(plan=an_giang_plan).count() == 1
