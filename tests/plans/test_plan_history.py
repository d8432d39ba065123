"""Plans, targets, tasks, periods and reopenings keep their history, shown on their pages to
those who manage them: who changed what, field by field; imports say they were imports."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from plans.history import plan_history
from plans.models import Plan, Target, Task

pytestmark = pytest.mark.django_db


def test_a_task_edited_shows_what_changed_and_who(client, coordinator, an_giang_plan):
    task = Task.objects.get(plan=an_giang_plan, number="6.1")
    client.force_login(coordinator)  # the request's user is recorded (HistoryRequestMiddleware)
    from simple_history.models import HistoricalRecords

    task.title, task.measure = "Khám sức khỏe cho người cao tuổi", "100 %"
    HistoricalRecords.context.request = type("Request", (), {"user": coordinator})()  # as in a request
    try:
        task.save()
    finally:
        del HistoricalRecords.context.request
    step = plan_history(an_giang_plan)[0]
    assert (str(step.name), step.item, step.who) == ("Sửa", "Nhiệm vụ 6.1", coordinator)
    fields = {change.field: (change.old, change.new) for change in step.changes}
    assert fields["Nhiệm vụ"][1] == "Khám sức khỏe cho người cao tuổi" and fields["Chỉ tiêu"][1] == "100 %"


def test_a_target_set_on_the_targets_page_is_in_the_history_with_its_author(client, coordinator, an_giang_plan):
    client.force_login(coordinator)
    target = Target.objects.filter(plan=an_giang_plan, sub_dimension__isnull=True).select_related("dimension").first()
    data = {}
    for other in Target.objects.filter(plan=an_giang_plan, sub_dimension__isnull=True):
        data[f"d{other.dimension_id}-target_score"] = str(other.target_score or "")
        data[f"d{other.dimension_id}-target_group"] = str(other.target_group or "")
    data[f"d{target.dimension_id}-target_score"] = "6.10"
    client.post(reverse("plan_targets", args=[an_giang_plan.pk]), data)
    steps = [s for s in plan_history(an_giang_plan) if s.item == f"Chỉ tiêu {target.dimension.number}"]
    assert steps and steps[0].who == coordinator
    assert any(c.new == "6,10" for c in steps[0].changes)  # Vietnamese number format


def test_the_plan_page_shows_its_history_to_those_who_manage_it(client, coordinator, viewer, an_giang_plan):
    an_giang_plan.title += " (sửa đổi)"
    an_giang_plan.save()
    url = reverse("plan_detail", args=[an_giang_plan.pk])
    client.force_login(coordinator)
    page = client.get(url).text
    assert "Lịch sử thay đổi kế hoạch" in page and "(sửa đổi)" in page
    client.force_login(viewer)
    assert "Lịch sử thay đổi kế hoạch" not in client.get(url).text


def test_tasks_imported_from_a_file_say_so_and_who(client, other_province_coordinator, dak_nong_plan):
    empty = Plan.objects.create(
        province=dak_nong_plan.province, year=2020, title="Kế hoạch mới", document_number="99/KH-UBND", baseline_year=2018
    )
    client.force_login(other_province_coordinator)
    exported = client.get(reverse("plan_excel", args=[dak_nong_plan.pk])).content
    url = reverse("plan_task_import", args=[empty.pk])
    preview = client.post(url, {"file": SimpleUploadedFile("danh-muc.xlsx", exported)})
    assert client.post(url, {"payload": preview.context["payload"], "save": "1"}).status_code == 302
    made = [s for s in plan_history(empty, limit=500) if str(s.name) == "Tạo" and s.item.startswith("Nhiệm vụ")]
    assert len(made) == 41 and {(s.reason, s.who) for s in made} == {("Nhập danh mục nhiệm vụ", other_province_coordinator)}
    assert not any(s.changes for s in made)  # a creation is one line, not every field of the task


def test_periods_and_reopenings_keep_their_history_on_the_periods_page(
    client, coordinator, an_giang_plan, django_assert_max_num_queries
):
    import datetime

    from django.utils import timezone

    from plans.models import Agency
    from reporting import workflow

    period = an_giang_plan.periods.get(kind="year")
    client.force_login(coordinator)
    data = {"start": period.start.strftime("%d/%m/%Y"), "end": period.end.strftime("%d/%m/%Y"),
            "due_date": (period.due_date + datetime.timedelta(days=3)).strftime("%d/%m/%Y"),
            "grace_days": period.grace_days if period.grace_days is not None else "", "status": "locked"}  # fmt: skip
    assert client.post(reverse("period_edit", args=[period.pk]), data).status_code == 302
    health = Agency.objects.get(province=an_giang_plan.province, name="Sở Y tế")
    workflow.reopen_for_agency(period, health, coordinator, timezone.localdate(), "Gửi bổ sung.")
    url = reverse("plan_periods", args=[an_giang_plan.pk])
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        page = client.get(url)
    steps = page.context["history"]
    edited = next(s for s in steps if str(s.name) == "Sửa" and s.item == "Kỳ Năm 2020")
    assert edited.who == coordinator
    assert {c.field for c in edited.changes} >= {"Trạng thái"}
    assert any(s.item == "Mở lại cho Sở Y tế" and str(s.name) == "Tạo" for s in steps)
    assert "Lịch sử thay đổi kỳ báo cáo" in page.text
    for period in an_giang_plan.periods.all():  # many more records: the same queries
        period.grace_days = (period.grace_days or 0) + 1
        period.save()
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get(url)
