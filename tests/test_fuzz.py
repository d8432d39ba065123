"""Generated bad input (hypothesis) against every form that saves: no 5xx, nothing saved
half-way, and a page that says what is wrong."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from plans.models import Agency, Target, Task
from plans.obligations import tasks_for_agency
from reporting.models import Report, TaskProgress

pytestmark = pytest.mark.django_db

FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
# What people paste into forms: any text, numbers in any notation, dates in any order.
junk = st.one_of(
    st.text(max_size=60),
    st.from_regex(r"-?[0-9]{1,15}([.,][0-9]{0,6})?", fullmatch=True),
    st.from_regex(r"[0-9]{1,4}/[0-9]{1,4}/[0-9]{1,5}", fullmatch=True),
    st.sampled_from(["", " ", "NaN", "inf", "-0", "1e309", "=1+1", "<script>", "'; DROP TABLE x;--"]),
)


@FUZZ
@given(values=st.lists(junk, min_size=16, max_size=16))
def test_the_target_form(client, coordinator, an_giang_plan, values):
    client.force_login(coordinator)
    url = reverse("plan_targets", args=[an_giang_plan.pk])
    before = list(Target.objects.filter(plan=an_giang_plan).values_list("dimension_id", "target_score", "target_group"))
    rows = client.get(url).context["rows"]
    data = {}
    for index, (hint, _form) in enumerate(rows):
        data[f"d{hint.dimension.pk}-target_score"] = values[2 * index]
        data[f"d{hint.dimension.pk}-target_group"] = values[2 * index + 1]
    response = client.post(url, data)
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        after = list(Target.objects.filter(plan=an_giang_plan).values_list("dimension_id", "target_score", "target_group"))
        assert after == before and 'class="errorlist' in response.text


@FUZZ
@given(status=junk, percent=junk, value=junk, narrative=junk, action=st.sampled_from(["save", "submit"]))
def test_the_report_form(client, commune_reporter, dak_nong_plan, status, percent, value, narrative, action):
    commune = Agency.objects.get(name="UBND xã Đắk Nia")
    period = dak_nong_plan.periods.get(kind="year")
    client.force_login(commune_reporter)
    url = reverse("report_form", args=[period.pk, commune.pk])
    report = Report.objects.filter(agency=commune, period=period).first()
    version = report.version if report else 0
    before = sorted(TaskProgress.objects.filter(report=report).values_list("task_id", "status", "percent_done", "narrative"))
    data = {"version": version, "difficulties": narrative, "proposals": "", action: "1"}
    for task in tasks_for_agency(commune, plan=dak_nong_plan):
        data.update({f"t{task.pk}-status": status, f"t{task.pk}-percent_done": percent,
                     f"t{task.pk}-achieved_value": value, f"t{task.pk}-narrative": narrative})  # fmt: skip
    response = client.post(url, data)
    assert response.status_code < 500
    if response.status_code != 302:  # the form again, with what is wrong; nothing written
        after = sorted(TaskProgress.objects.filter(report=report).values_list("task_id", "status", "percent_done", "narrative"))
        assert after == before
    else:
        Report.objects.filter(agency=commune, period=period).update(status="draft")  # the next example edits it again


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(number=junk, issue_date=junk, signer=junk, recipients=junk)
def test_the_compiled_report_heading(client, coordinator, an_giang_plan, number, issue_date, signer, recipients):
    client.force_login(coordinator)
    period = an_giang_plan.periods.get(kind="year")
    data = {"number": number, "issue_date": issue_date, "summary": "Báo cáo", "signer_title": "GIÁM ĐỐC",
            "signer_name": signer, "recipients": recipients}  # fmt: skip
    response = client.post(reverse("compiled_report", args=[period.pk]), data)
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert response["Content-Type"] == "application/pdf"
    else:
        assert 'class="errorlist' in response.text


cell = st.one_of(st.none(), st.integers(-(10**20), 10**20), st.floats(allow_nan=True, allow_infinity=True), junk)


@FUZZ
@given(cells=st.lists(st.lists(cell, min_size=7, max_size=7), min_size=1, max_size=6))
def test_the_plan_import(client, other_province_coordinator, dak_nong_plan, cells):
    book = Workbook()
    page = book.active
    page.append(["STT", "Nhiệm vụ", "Chỉ tiêu", "Giá trị chỉ tiêu", "Đầu mối chủ trì", "Đơn vị thực hiện", "Hạn hoàn thành"])
    page.append(["I. Chỉ số 1: Tham gia của người dân ở cấp cơ sở"])
    for row in cells:
        page.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    client.force_login(other_province_coordinator)
    existing = set(Task.objects.filter(plan=dak_nong_plan).values_list("pk", flat=True))
    url = reverse("plan_task_import", args=[dak_nong_plan.pk])
    response = client.post(url, {"file": SimpleUploadedFile("f.xlsx", buffer.getvalue())})
    assert response.status_code in (200, 400)
    if response.status_code == 200 and response.context.get("payload"):
        saved = client.post(url, {"payload": response.context["payload"], "save": "1"})
        assert saved.status_code in (302, 400)
        if saved.status_code == 302:  # a valid file after all: undo, for the next example
            Task.objects.filter(plan=dak_nong_plan).exclude(pk__in=existing).delete()
    assert set(Task.objects.filter(plan=dak_nong_plan).values_list("pk", flat=True)) == existing
