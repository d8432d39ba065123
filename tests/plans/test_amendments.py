"""Decisions that amend a plan (plans.models.PlanAmendment, plans/amendments.py)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from plans.models import Plan, PlanAmendment, Target, Task, TaskAssignment

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


# The plan as it stood on a day (plans.history.standing_on): its tasks and targets from their history records.


def _on(day, hour=12):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _dated(model, pk, day):
    """Move the object's latest history record to `day`, as if the change had been made then."""
    latest = model.history.filter(id=pk).order_by("-history_date", "-history_id").first()
    model.history.filter(history_id=latest.history_id).update(history_date=_on(day))


@pytest.fixture
def recorded_plan(an_giang_plan):
    """The seed plan as if entered on 1/1/2020 (its creation records moved there)."""
    for model, where in (
        (Plan, {"id": an_giang_plan.pk}),
        (Task, {"plan_id": an_giang_plan.pk}),
        (Target, {"plan_id": an_giang_plan.pk}),
    ):
        model.history.filter(**where).update(history_date=_on(datetime.date(2020, 1, 1)))
    return an_giang_plan


def _shown(client, plan, day):
    response = client.get(reverse("plan_detail", args=[plan.pk]), {"ngay": day})
    assert response.status_code == 200
    tasks = [task for _dimension, tasks in response.context["sections"] for task in tasks]
    return response, {task.number: task for task in tasks}, {t.dimension.number: t for t in response.context["targets"]}


def test_a_day_shows_the_tasks_and_targets_as_they_stood_then(client, viewer, recorded_plan):
    plan = recorded_plan
    added = Task.objects.create(
        plan=plan, number="9.9", order=999, title="Nhiệm vụ thêm sau", dimension=plan.tasks.first().dimension
    )
    _dated(Task, added.pk, datetime.date(2020, 5, 10))
    renamed = plan.tasks.get(number="6.1")
    old_title = renamed.title
    renamed.title = "Tên mới của nhiệm vụ 6.1"
    renamed.save()
    _dated(Task, renamed.pk, datetime.date(2020, 6, 10))
    removed = plan.tasks.get(number="6.2")
    removed_pk, removed_title = removed.pk, removed.title
    removed.delete()
    _dated(Task, removed_pk, datetime.date(2020, 7, 10))
    target = plan.targets.get(dimension__number=1, sub_dimension__isnull=True)
    old_score = target.target_score
    target.target_score = Decimal("6.10")
    target.save()
    _dated(Target, target.pk, datetime.date(2020, 8, 10))
    client.force_login(viewer)

    response, tasks, targets = _shown(client, plan, "09/05/2020")
    assert response.context["standing"].rebuilt
    assert "Nhiệm vụ và chỉ tiêu như ngày 09/05/2020" in response.text
    assert "9.9" not in tasks and tasks["6.1"].title == old_title and "6.2" in tasks
    assert targets[1].target_score == old_score and response.context["task_count"] == 58
    # The end of the day the task was added: it is there.
    _response, tasks, _targets = _shown(client, plan, "10/05/2020")
    assert "9.9" in tasks and tasks["6.1"].title == old_title
    _response, tasks, _targets = _shown(client, plan, "09/06/2020")
    assert tasks["6.1"].title == old_title
    _response, tasks, _targets = _shown(client, plan, "10/06/2020")
    assert tasks["6.1"].title == "Tên mới của nhiệm vụ 6.1" and "6.2" in tasks
    # The deleted task stands until the day it was deleted, said so, with no agencies and no link.
    response, tasks, _targets = _shown(client, plan, "09/07/2020")
    assert tasks["6.2"].title == removed_title and tasks["6.2"].deleted_since
    assert "Đã xóa khỏi kế hoạch sau ngày này" in response.text
    assert not tasks["6.1"].deleted_since and tasks["6.1"].lead_assignments  # today's assignments
    response, tasks, targets = _shown(client, plan, "10/07/2020")
    assert "6.2" not in tasks and "Đã xóa khỏi kế hoạch sau ngày này" not in response.text
    assert targets[1].target_score == old_score
    response, _tasks, targets = _shown(client, plan, "10/08/2020")
    assert targets[1].target_score == Decimal("6.10") and "6,10" in response.text
    # Read only: no link to change targets or import tasks on a past day's page, for its managers neither.
    assert reverse("plan_targets", args=[plan.pk]) not in response.text


def test_a_sub_dimensions_target_is_rebuilt_after_its_dimensions(client, viewer, recorded_plan):
    whole = recorded_plan.targets.get(dimension__number=1, sub_dimension__isnull=True)
    sub = Target.objects.create(
        plan=recorded_plan, dimension=whole.dimension, sub_dimension=whole.dimension.sub_dimensions.first(), target_score=2
    )
    _dated(Target, sub.pk, datetime.date(2020, 2, 1))
    client.force_login(viewer)
    response = client.get(reverse("plan_detail", args=[recorded_plan.pk]), {"ngay": "01/03/2020"})
    shown = [(t.dimension.number, t.sub_dimension_id) for t in response.context["targets"]]
    assert shown[:2] == [(1, None), (1, sub.sub_dimension_id)] and len(shown) == 9


def test_a_managers_past_day_page_has_no_edit_links(client, coordinator, recorded_plan):
    client.force_login(coordinator)
    url = reverse("plan_detail", args=[recorded_plan.pk])
    assert reverse("plan_task_import", args=[recorded_plan.pk]) in client.get(url).text
    past = client.get(url, {"ngay": "01/06/2020"}).text
    assert reverse("plan_task_import", args=[recorded_plan.pk]) not in past
    assert reverse("plan_targets", args=[recorded_plan.pk]) not in past
    assert reverse("plan_amendment_add", args=[recorded_plan.pk]) not in past
    # Nor any other action or today's files: publishing, the periods' management, the Excel and PDF of today's tasks.
    for name in ("plan_publication", "plan_periods", "plan_excel", "plan_pdf"):
        assert reverse(name, args=[recorded_plan.pk]) in client.get(url).text
        assert reverse(name, args=[recorded_plan.pk]) not in past, name


def test_a_day_before_the_records_begin_says_so_and_shows_todays_tasks(client, viewer, recorded_plan):
    renamed = recorded_plan.tasks.get(number="6.1")
    renamed.title = "Tên mới của nhiệm vụ 6.1"
    renamed.save()
    client.force_login(viewer)
    response, tasks, _targets = _shown(client, recorded_plan, "31/12/2019")
    standing = response.context["standing"]
    assert not standing.rebuilt and standing.starts == _on(datetime.date(2020, 1, 1))
    assert (
        "Lịch sử nhiệm vụ và chỉ tiêu của kế hoạch chỉ được ghi từ ngày 01/01/2020, nên không dựng lại được như ngày"
        " 31/12/2019: dưới đây là nhiệm vụ và chỉ tiêu hiện nay." in response.text
    )
    assert tasks["6.1"].title == "Tên mới của nhiệm vụ 6.1" and len(tasks) == 58


def test_a_plan_loaded_before_history_begins_at_its_first_saves(client, viewer, an_giang_plan):
    # No creation records: the plan, its tasks and targets were loaded before history existed.
    for model, where in (
        (Plan, {"id": an_giang_plan.pk}),
        (Task, {"plan_id": an_giang_plan.pk}),
        (Target, {"plan_id": an_giang_plan.pk}),
    ):
        model.history.filter(**where).delete()
    client.force_login(viewer)
    response, _tasks, _targets = _shown(client, an_giang_plan, "01/06/2020")
    assert response.context["standing"].starts is None
    assert "Kế hoạch chưa có bản ghi lịch sử nên không dựng lại được nhiệm vụ và chỉ tiêu như ngày 01/06/2020" in response.text

    # History exists by 1/5/2020, when a task was added; 6.1 stood before then, as its first save shows only after.
    added = Task.objects.create(plan=an_giang_plan, number="9.9", order=999, title="Nhiệm vụ thêm sau")
    _dated(Task, added.pk, datetime.date(2020, 5, 1))
    renamed = an_giang_plan.tasks.get(number="6.1")
    renamed.title = "Tên mới của nhiệm vụ 6.1"
    renamed.save()
    _dated(Task, renamed.pk, datetime.date(2020, 6, 10))
    response, tasks, _targets = _shown(client, an_giang_plan, "09/06/2020")
    assert response.context["standing"].starts == _on(datetime.date(2020, 6, 10))
    assert "chỉ được ghi từ ngày 10/06/2020" in response.text and tasks["6.1"].title == "Tên mới của nhiệm vụ 6.1"
    response, tasks, targets = _shown(client, an_giang_plan, "11/06/2020")
    assert response.context["standing"].rebuilt and len(tasks) == 59 and len(targets) == 8  # the others as today
    assert tasks["6.1"].title == "Tên mới của nhiệm vụ 6.1"


def test_the_first_day_of_the_calendar_is_before_the_records(client, viewer, recorded_plan):
    client.force_login(viewer)
    response, tasks, _targets = _shown(client, recorded_plan, "01/01/0001")
    assert not response.context["standing"].rebuilt and len(tasks) == 58


def test_a_day_to_come_shows_todays_tasks(client, viewer, recorded_plan):
    client.force_login(viewer)
    day = (timezone.localdate() + datetime.timedelta(days=1)).strftime("%d/%m/%Y")
    response, tasks, _targets = _shown(client, recorded_plan, day)
    assert response.context["standing"].to_come and len(tasks) == 58
    assert f"Ngày {day} chưa đến: nhiệm vụ và chỉ tiêu dưới đây là hiện nay." in response.text
    assert 'name="ngay"' in response.text  # the day is asked for on a plan without amendments too


@pytest.mark.parametrize("day", ["32/13/2020", "2020-06-01", "01/06/20200", "x" * 300])
def test_a_bad_day_shows_todays_tasks_and_no_note(client, viewer, recorded_plan, day):
    client.force_login(viewer)
    response, tasks, _targets = _shown(client, recorded_plan, day)
    assert response.context["standing"] is None and len(tasks) == 58
    assert "Ghi ngày theo dạng ngày/tháng/năm" in response.text and "Nhiệm vụ và chỉ tiêu như ngày" not in response.text


def test_a_task_moved_to_another_plan_stands_without_that_plans_agencies(client, viewer, recorded_plan, dak_nong_plan):
    moved = recorded_plan.tasks.get(number="6.1")
    moved.plan = dak_nong_plan  # the admin lets an administrator move a task
    moved.save()
    _dated(Task, moved.pk, datetime.date(2020, 7, 10))
    moved.assignments.all().delete()
    TaskAssignment.objects.create(task=moved, agency=dak_nong_plan.province.agencies.first(), role="lead")
    client.force_login(viewer)
    response, tasks, _targets = _shown(client, recorded_plan, "09/07/2020")
    assert tasks["6.1"].deleted_since and list(tasks["6.1"].assignments.all()) == []
    assert dak_nong_plan.province.agencies.first().name not in response.text
