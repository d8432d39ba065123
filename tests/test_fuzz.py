"""Generated bad input (hypothesis) against every form that saves: no 5xx, nothing saved
half-way, and a page that says what is wrong."""

import io

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from indicators.models import Score
from plans.demo import DEMO_PASSWORD
from plans.models import Agency, Plan, Target, Task
from plans.obligations import tasks_for_agency
from reporting import workflow
from reporting.models import PeriodReopening, Report, ReportingPeriod, TaskProgress

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
    if response.status_code != 302:
        # The form again, with what is wrong: the fields that are right are kept as a draft, a
        # field that is wrong never is (it keeps its value from before, or stays empty).
        stored = TaskProgress.objects.filter(report__agency=commune, report__period=period)
        assert all(s in ("", *TaskProgress.Status.values) for s in stored.values_list("status", flat=True))
        assert all(p is None or 0 <= p <= 100 for p in stored.values_list("percent_done", flat=True))
        assert before is not None
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


# --- Every other form and import field a person types into (issue: hostile and careless input) ---
# Each test posts generated junk to every field of one form, plus the attack's failing cases as
# explicit examples, and holds: never a 5xx, nothing saved half-way, the page says what is wrong.

# The attack's dates: far future, overflow on adding the grace days, before the cut-off.
dates = st.one_of(junk, st.sampled_from(["31/12/9999", "01/01/0001", "29/02/2021", "31/12/2020", "01/01/2020", "2020-12-31"]))
numbers = st.one_of(junk, st.sampled_from(["-3", "150", "5", "32768", "99999999999999999999", "0"]))


def _no_server_error(response):
    assert response.status_code < 500, response.status_code


def _reporters_pages_still_work(client, user, plan):
    """The finding behind the date bounds: one bad period row broke every reporter's home."""
    client.force_login(user)
    assert client.get(reverse("home")).status_code == 200


@FUZZ
@given(start=dates, end=dates, due=dates, grace=numbers, status=junk)
@example(start="15/12/2019", end="14/12/2020", due="31/12/9999", grace="5", status="open")
@example(start="15/12/2019", end="14/12/2020", due="31/12/2020", grace="99999", status="open")
def test_the_period_form(client, coordinator, lead_reporter, an_giang_plan, start, end, due, grace, status):
    period = an_giang_plan.periods.get(kind="year")
    before = ReportingPeriod.objects.filter(pk=period.pk).values("start", "end", "due_date", "grace_days", "status").get()
    client.force_login(coordinator)
    data = {"start": start, "end": end, "due_date": due, "grace_days": grace, "status": status}
    response = client.post(reverse("period_edit", args=[period.pk]), data)
    _no_server_error(response)
    if response.status_code != 302:
        assert 'class="errorlist' in response.text
        assert (
            ReportingPeriod.objects.filter(pk=period.pk).values("start", "end", "due_date", "grace_days", "status").get()
            == before
        )
    _reporters_pages_still_work(client, lead_reporter, an_giang_plan)
    client.force_login(coordinator)
    assert client.get(reverse("review_queue", args=[period.pk])).status_code == 200
    ReportingPeriod.objects.filter(pk=period.pk).update(**before)


@FUZZ
@given(working_days=numbers, year_due_date=dates)
@example(working_days="2", year_due_date="01/12/2021")  # before the year's cut-off (14/12): was a 500
@example(working_days="2", year_due_date="31/12/9999")
def test_generating_a_years_periods(client, other_province_coordinator, dak_nong_plan, working_days, year_due_date):
    plan = Plan.objects.create(province=dak_nong_plan.province, year=2021, title="Kế hoạch thử", document_number="1/KH-X",
                               baseline_year=2020)  # fmt: skip
    client.force_login(other_province_coordinator)
    response = client.post(
        reverse("plan_periods", args=[plan.pk]), {"working_days": working_days, "year_due_date": year_due_date}
    )
    _no_server_error(response)
    if response.status_code != 302:
        assert 'class="errorlist' in response.text and not plan.periods.exists()
    plan.periods.all().delete()
    plan.delete()


@FUZZ
@given(agency=junk, until=dates, reason=junk)
def test_reopening_a_period(client, coordinator, an_giang_plan, agency, until, reason):
    period = an_giang_plan.periods.get(kind="year")
    before = set(PeriodReopening.objects.filter(period=period).values_list("pk", flat=True))
    client.force_login(coordinator)
    response = client.post(reverse("period_reopen", args=[period.pk]), {"agency": agency, "until": until, "reason": reason})
    _no_server_error(response)
    assert set(PeriodReopening.objects.filter(period=period).values_list("pk", flat=True)) == before  # junk agency: none


@FUZZ
@given(note=junk, version=junk, action=st.sampled_from(["report_return", "report_accept"]))
def test_returning_and_accepting(client, coordinator, lead_reporter, an_giang_plan, note, version, action):
    health = Agency.objects.get(province=an_giang_plan.province, name="Sở Y tế")
    period = an_giang_plan.periods.get(kind="year")
    report = Report.objects.filter(agency=health, period=period).first()
    if report is None:
        report = workflow.save_draft(agency=health, period=period, user=lead_reporter, seen_version=0, difficulties="",
                                     proposals="", progress={}, files={})  # fmt: skip
    Report.objects.filter(pk=report.pk).update(status="submitted", submitted_at=timezone.now())
    client.force_login(coordinator)
    response = client.post(reverse(action, args=[report.pk]), {"note": note, "version": version})
    _no_server_error(response)
    if response.status_code == 400:  # the note was refused: nothing changed
        assert Report.objects.get(pk=report.pk).status == "submitted"


@FUZZ
@given(evidence=junk, difficulties=junk, proposals=junk, version=junk, value=numbers)
@example(evidence="", difficulties="", proposals="", version="0", value="-3")  # was stored
@example(evidence="x" * 3000, difficulties="y" * 20_000, proposals="z" * 20_000, version="0", value="5")
def test_every_field_of_the_report_form(
    client, commune_reporter, dak_nong_plan, evidence, difficulties, proposals, version, value
):
    commune = Agency.objects.get(name="UBND xã Đắk Nia")
    period = dak_nong_plan.periods.get(kind="year")
    client.force_login(commune_reporter)
    report = Report.objects.filter(agency=commune, period=period).first()
    before = sorted(
        TaskProgress.objects.filter(report=report).values_list("task_id", "achieved_value", "evidence", "difficulties")
    )
    data = {"version": version, "difficulties": difficulties, "proposals": proposals}
    for task in tasks_for_agency(commune, plan=dak_nong_plan):
        data.update({f"t{task.pk}-status": "in_progress", f"t{task.pk}-percent_done": "50", f"t{task.pk}-achieved_value": value,
                     f"t{task.pk}-evidence": evidence, f"t{task.pk}-difficulties": difficulties})  # fmt: skip
    response = client.post(reverse("report_form", args=[period.pk, commune.pk]), data)
    _no_server_error(response)
    stored = TaskProgress.objects.filter(report__agency=commune, report__period=period)
    assert not stored.filter(achieved_value__lt=0).exists()
    if response.status_code != 302:
        after = sorted(
            TaskProgress.objects.filter(report=report).values_list("task_id", "achieved_value", "evidence", "difficulties")
        )
        assert after == before


@FUZZ
@given(province=junk, year=junk, dimension=junk, sub=junk, value=junk, form_year=junk)
@example(province="An Giang", year="2024", dimension="1", sub="", value="NaN", form_year="")
@example(province="An Giang", year="2024", dimension="1", sub="", value="sNaN", form_year="")
@example(province="An Giang", year="202²", dimension="1", sub="", value="5.1", form_year="")
@example(province="x" * 200_000, year="2024", dimension="1", sub="", value="5.1", form_year="")
def test_the_score_import(client, administrator, province, year, dimension, sub, value, form_year):
    import csv as csv_module

    buffer = io.StringIO()
    writer = csv_module.writer(buffer)
    writer.writerow(["province", "year", "dimension", "sub_dimension", "value"])
    writer.writerow([province, year, dimension, sub, value])
    before = list(Score.objects.order_by("pk").values_list("pk", "value", "rank"))
    client.force_login(administrator)
    upload = SimpleUploadedFile("papi.csv", buffer.getvalue().encode("utf-8", "surrogatepass"))
    response = client.post(reverse("score_import"), {"file": upload, "year": form_year})
    _no_server_error(response)
    if response.status_code == 200 and response.context.get("payload"):
        saved = client.post(reverse("score_import"), {"payload": response.context["payload"]})
        _no_server_error(saved)
    else:
        assert list(Score.objects.order_by("pk").values_list("pk", "value", "rank")) == before


@FUZZ
@given(cells=st.lists(cell, min_size=5, max_size=5))
def test_the_score_import_from_excel(client, administrator, cells):
    book = Workbook()
    book.active.append(["province", "year", "dimension", "sub_dimension", "value"])
    book.active.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in cells])
    buffer = io.BytesIO()
    book.save(buffer)
    before = list(Score.objects.order_by("pk").values_list("pk", "value", "rank"))
    client.force_login(administrator)
    response = client.post(reverse("score_import"), {"file": SimpleUploadedFile("papi.xlsx", buffer.getvalue()), "year": ""})
    _no_server_error(response)
    assert list(Score.objects.order_by("pk").values_list("pk", "value", "rank")) == before  # a preview saves nothing


@FUZZ
@given(number=junk, issue_date=dates, summary=junk, signer_title=junk)
@example(number="1/BC", issue_date="31/12/9999", summary="x", signer_title="GIÁM ĐỐC")
def test_every_field_of_the_compiled_report_heading(
    client, coordinator, an_giang_plan, number, issue_date, summary, signer_title
):
    period = an_giang_plan.periods.get(kind="year")
    client.force_login(coordinator)
    data = {"number": number, "issue_date": issue_date, "summary": summary, "signer_title": signer_title,
            "signer_name": "Nguyễn Văn A", "recipients": "UBND tỉnh"}  # fmt: skip
    response = client.post(reverse("compiled_report", args=[period.pk]), data)
    assert response.status_code in (200, 400)
    assert response["Content-Type"] == "application/pdf" if response.status_code == 200 else 'class="errorlist' in response.text


@FUZZ
@given(username=junk, password=junk)
def test_the_login_form(client, username, password):
    response = client.post(reverse("login"), {"username": username, "password": password})
    _no_server_error(response)
    assert response.status_code in (200, 403)  # the form again, or the lockout page
    assert "_auth_user_id" not in client.session


@FUZZ
@given(code=junk)
@pytest.mark.real_two_factor
def test_the_two_factor_code(client, coordinator, code):
    client.post(reverse("login"), {"username": coordinator.username, "password": DEMO_PASSWORD})
    response = client.post(reverse("two_factor_verify"), {"code": code})
    _no_server_error(response)


@FUZZ
@given(old=junk, new1=junk, new2=junk)
def test_the_password_change_form(client, lead_reporter, old, new1, new2):
    client.force_login(lead_reporter)
    response = client.post(reverse("password_change"), {"old_password": old, "new_password1": new1, "new_password2": new2})
    _no_server_error(response)
    assert response.status_code == 200  # junk never matches the old password


@FUZZ
@given(params=st.dictionaries(st.sampled_from(["period", "dimension", "agency", "status", "kind", "sort", "page"]), junk))
def test_the_filters_of_every_list(client, coordinator, administrator, an_giang_plan, params):
    period = an_giang_plan.periods.get(kind="year")
    client.force_login(coordinator)
    for url in (reverse("plan_dashboard", args=[an_giang_plan.pk]), reverse("review_queue", args=[period.pk])):
        assert client.get(url, params).status_code == 200
    client.force_login(administrator)
    assert client.get(reverse("national_overview"), params).status_code == 200


ADMIN_FORMS = {
    # model admin add page: the fields a coordinator types into
    "plans/plan": ["province", "year", "title", "document_number", "issue_date", "issuer", "signer", "signer_title",
                   "baseline_year", "status"],
    "plans/task": ["plan", "dimension", "sub_dimension", "number", "order", "title", "measure", "measure_value",
                   "measure_unit", "supervisor", "timeframe_kind", "timeframe_text", "due_date", "expected_output"],
    "plans/agency": ["province", "name", "short_name", "kind", "email", "aliases"],
    "reporting/reportingperiod": ["plan", "kind", "quarter", "start", "end", "due_date", "grace_days", "status"],
}  # fmt: skip


@FUZZ
@given(model=st.sampled_from(sorted(ADMIN_FORMS)), values=st.lists(st.one_of(dates, numbers), min_size=14, max_size=14))
def test_the_admin_forms_a_coordinator_uses(client, coordinator, model, values):
    app, name = model.split("/")
    model_class = apps.get_model(app, name)
    before = model_class.objects.count()
    client.force_login(coordinator)
    data = dict(zip(ADMIN_FORMS[model], values, strict=False))
    response = client.post(reverse(f"admin:{app}_{name}_add"), data)
    _no_server_error(response)
    if response.status_code != 302:
        assert model_class.objects.count() == before
