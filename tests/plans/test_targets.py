"""The coordinator's target form: hints beside each dimension, saving, and the baseline warning."""

from decimal import Decimal

import pytest
from django.urls import reverse

from plans.models import Target

pytestmark = pytest.mark.django_db


def form_data(page_rows):
    """The form as the page filled it in."""
    data = {}
    for hint, form in page_rows:
        score, group = form.initial.get("target_score"), form.initial.get("target_group")
        data[f"d{hint.dimension.pk}-target_score"] = "" if score is None else str(score).replace(".", ",")
        data[f"d{hint.dimension.pk}-target_group"] = "" if group is None else str(group)
    return data


def test_each_dimension_shows_the_baseline_and_the_nations_latest_median_and_best(client, coordinator, an_giang_plan):
    client.force_login(coordinator)
    response = client.get(reverse("plan_targets", args=[an_giang_plan.pk]))
    assert response.status_code == 200
    hints = {hint.dimension.number: hint for hint, _ in response.context["rows"]}
    assert list(hints) == [1, 2, 3, 4, 5, 6, 7, 8]
    first = hints[1]
    # An Giang 2018 (the baseline year) and the 2019 national figures (the year before the plan).
    assert first.baseline == Decimal("4.5598") and first.reference_year == 2019
    assert (round(first.median, 2), round(first.best, 2)) == (Decimal("4.99"), Decimal("5.81"))
    assert "4,56" in response.text and "4,99" in response.text and "5,81" in response.text
    assert not any(h.below_baseline for h in hints.values())


def test_saving_warns_when_a_target_is_below_the_baseline(client, coordinator, an_giang_plan):
    client.force_login(coordinator)
    url = reverse("plan_targets", args=[an_giang_plan.pk])
    rows = client.get(url).context["rows"]
    response = client.post(url, form_data(rows) | {f"d{rows[0][0].dimension.pk}-target_score": "4,20"}, follow=True)
    assert response.status_code == 200
    target = Target.objects.get(plan=an_giang_plan, dimension__number=1)
    assert target.target_score == Decimal("4.20") and target.baseline_score == Decimal("4.5598")
    assert "điểm phấn đấu 4,20 thấp hơn điểm năm cơ sở 4,56" in response.text
    assert "Thấp hơn điểm năm cơ sở." in response.text  # beside the field, too
    assert Target.objects.filter(plan=an_giang_plan).count() == 8


def test_a_group_only_target_and_removing_a_target(client, coordinator, an_giang_plan):
    client.force_login(coordinator)
    url = reverse("plan_targets", args=[an_giang_plan.pk])
    rows = client.get(url).context["rows"]
    pk = {hint.dimension.number: hint.dimension.pk for hint, _ in rows}
    data = form_data(rows)
    data[f"d{pk[2]}-target_score"], data[f"d{pk[2]}-target_group"] = "", "2"
    data[f"d{pk[3]}-target_score"], data[f"d{pk[3]}-target_group"] = "", ""
    assert client.post(url, data).status_code == 302
    assert Target.objects.get(plan=an_giang_plan, dimension_id=pk[2]).target_group == 2
    assert Target.objects.get(plan=an_giang_plan, dimension_id=pk[2]).target_score is None
    assert not Target.objects.filter(plan=an_giang_plan, dimension_id=pk[3]).exists()


def test_bad_input_saves_nothing_and_says_why(client, coordinator, an_giang_plan):
    client.force_login(coordinator)
    url = reverse("plan_targets", args=[an_giang_plan.pk])
    rows = client.get(url).context["rows"]
    pk = {hint.dimension.number: hint.dimension.pk for hint, _ in rows}
    data = form_data(rows)
    data[f"d{pk[1]}-target_score"] = "6,00"  # valid, but must not be saved alone
    data[f"d{pk[2]}-target_score"] = "12"
    data[f"d{pk[3]}-target_score"] = "năm điểm"
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Điểm của chỉ số nội dung từ 1 đến 10." in response.text and "Nhập điểm là một số, ví dụ 5,40." in response.text
    assert Target.objects.get(plan=an_giang_plan, dimension_id=pk[1]).target_score == Decimal("5.40")


def test_another_provinces_coordinator_cannot_post(client, other_province_coordinator, an_giang_plan):
    client.force_login(other_province_coordinator)
    response = client.post(reverse("plan_targets", args=[an_giang_plan.pk]), {})
    assert response.status_code == 404


def test_the_form_runs_a_fixed_number_of_queries(client, coordinator, an_giang_plan, dak_nong_plan, django_assert_num_queries):
    # session, user, the session's two-factor device, plan, dimensions, targets, baselines, latest year, national statistics,
    # the header's unread count; the advice (plans.target_suggestions): the plans before (none here), the sub-dimensions'
    # framework and scores, the plan's tasks
    client.force_login(coordinator)
    with django_assert_num_queries(14):
        client.get(reverse("plan_targets", args=[an_giang_plan.pk]))
    Target.objects.filter(plan=an_giang_plan).delete()
    with django_assert_num_queries(14):
        client.get(reverse("plan_targets", args=[an_giang_plan.pk]))


def test_a_post_missing_fields_removes_nothing(client, coordinator, an_giang_plan):
    client.force_login(coordinator)
    url = reverse("plan_targets", args=[an_giang_plan.pk])
    rows = client.get(url).context["rows"]
    only_first = {f"d{rows[0][0].dimension.pk}-target_score": "5,5", f"d{rows[0][0].dimension.pk}-target_group": ""}
    for data in (only_first, {}):
        response = client.post(url, data)
        assert response.status_code == 400 and "Thiếu dữ liệu của chỉ số này" in response.text
    assert Target.objects.filter(plan=an_giang_plan).count() == 8
    assert Target.objects.get(plan=an_giang_plan, dimension__number=1).target_score == Decimal("5.40")
