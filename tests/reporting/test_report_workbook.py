"""The report as an Excel file: downloaded with the agency's tasks and answers, filled offline,
uploaded back through a preview of each changed cell, saved all or nothing as a draft."""

import io
import zipfile
from decimal import Decimal

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from plans.models import Agency
from plans.obligations import tasks_for_agency
from reporting import readers, report_workbook, workflow
from reporting.models import Report, TaskProgress
from reporting.report_workbook import COLUMN, HEADER_ROW, ID_COLUMN, IDENTITY_SALT, IDENTITY_SHEET
from tests.factories import add_tasks

from . import helpers

pytestmark = pytest.mark.django_db


@pytest.fixture
def urls(commune, year):
    args = [year.pk, commune.pk]
    return {
        "excel": reverse("report_excel", args=args),
        "upload": reverse("report_upload", args=args),
        "form": reverse("report_form", args=args),
    }


@pytest.fixture
def tasks(commune, year):
    return list(tasks_for_agency(commune, plan=year.plan).order_by("order", "id"))


def answer(agency, period, user, version, **by_task):
    """Save a draft through the workflow: {task id: {field: value}} as keyword t<id>=…"""
    blank = {"status": "", "percent_done": None, "achieved_value": None, "narrative": "", "evidence": "", "difficulties": ""}
    progress = {int(key[1:]): {**blank, **values} for key, values in by_task.items()}
    return workflow.save_draft(
        agency=agency, period=period, user=user, seen_version=version, difficulties="Chung.", proposals="", progress=progress
    )


def download(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return response.content


def rows_by_task(ws):
    return {ws.cell(row=r, column=ID_COLUMN).value: r for r in range(HEADER_ROW + 1, ws.max_row + 1)}


def edit(content, changes):
    """The file with cells changed: {task id: {column key: value}}."""
    book = load_workbook(io.BytesIO(content))
    ws = book.worksheets[0]
    rows = rows_by_task(ws)
    for task_id, cells in changes.items():
        for key, value in cells.items():
            column = ID_COLUMN if key == "id" else COLUMN[key]
            ws.cell(row=rows[task_id], column=column, value=value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(client, url, content, name="bao-cao.xlsx"):
    return client.post(url, {"file": SimpleUploadedFile(name, content)})


def test_the_file_holds_the_agencys_tasks_and_current_answers(client, commune_reporter, commune, year, tasks, urls):
    first = tasks[0]
    first.measure_value, first.measure_unit = Decimal("100"), "%"
    first.save()
    answer(
        commune, year, commune_reporter, 0,
        **{f"t{first.pk}": {"status": "in_progress", "percent_done": 40, "achieved_value": Decimal("62.5"),
                            "narrative": "Đã họp dân 3 lần.", "evidence": "Biên bản số 12/BB"}},
    )  # fmt: skip
    client.force_login(commune_reporter)
    book = load_workbook(io.BytesIO(download(client, urls["excel"])))
    ws = book.worksheets[0]
    assert [ws.cell(row=r, column=ID_COLUMN).value for r in range(HEADER_ROW + 1, ws.max_row + 1)] == [t.pk for t in tasks]
    assert [ws.cell(row=r, column=1).value for r in range(HEADER_ROW + 1, ws.max_row + 1)] == [t.number for t in tasks]
    assert "Đắk Nia" in ws["A2"].value and "/" in ws["A2"].value  # agency, and when it was downloaded (dd/mm/yyyy)
    row = HEADER_ROW + 1
    assert ws.cell(row=row, column=COLUMN["status"]).value == "Đang thực hiện"
    assert ws.cell(row=row, column=COLUMN["percent_done"]).value == 40
    assert ws.cell(row=row, column=COLUMN["achieved_value"]).value == 62.5
    assert ws.cell(row=row, column=COLUMN["narrative"]).value == "Đã họp dân 3 lần."
    assert ws.cell(row=row, column=COLUMN["evidence"]).value == "Biên bản số 12/BB"
    assert ws.cell(row=row, column=5).value == "Phối hợp"  # the districts lead, the commune coordinates
    assert ws.cell(row=row + 1, column=COLUMN["status"]).value in (None, "")
    # Task columns locked and grey, answers open; the sheet protected, the ids hidden.
    assert ws.protection.sheet
    assert ws.cell(row=row, column=3).protection.locked and ws.cell(row=row, column=3).fill.fgColor.rgb.endswith("D9D9D9")
    assert not ws.cell(row=row, column=COLUMN["status"]).protection.locked
    plain = rows_by_task(ws)[next(t.pk for t in tasks if t.measure_value is None)]
    assert ws.cell(row=plain, column=COLUMN["achieved_value"]).protection.locked  # no measure value: not asked
    assert ws.column_dimensions["L"].hidden
    assert book[IDENTITY_SHEET].sheet_state == "veryHidden"
    # Drop-down of the statuses; whole numbers 0–100; the achieved value of a percentage within 0–100.
    checks = {(v.type, v.formula1, v.formula2): str(v.sqref) for v in ws.data_validations.dataValidation}
    status_range = checks[("list", '"Chưa thực hiện,Đang thực hiện,Đã hoàn thành"', None)]
    assert status_range == f"F{HEADER_ROW + 1}:F{HEADER_ROW + len(tasks)}"
    assert ("whole", "0", "100") in checks
    assert f"H{row}" in checks[("decimal", "0", "100")].split()
    assert f"H{plain}" not in " ".join(checks.values()).split()


def test_the_form_links_to_the_excel_file_and_its_upload(client, commune_reporter, urls):
    client.force_login(commune_reporter)
    page = client.get(urls["form"]).text
    assert urls["excel"] in page and urls["upload"] in page
    assert "Tải báo cáo dạng Excel để điền offline" in page


def test_three_answers_changed_offline_are_previewed_then_saved(client, commune_reporter, commune, year, tasks, urls):
    a, b, c = tasks[0], tasks[3], tasks[7]
    answer(commune, year, commune_reporter, 0, **{f"t{b.pk}": {"status": "in_progress", "percent_done": 20}})
    client.force_login(commune_reporter)
    content = edit(
        download(client, urls["excel"]),
        {
            a.pk: {"status": "Đang thực hiện"},
            b.pk: {"percent_done": 60},
            c.pk: {"narrative": "Đã niêm yết công khai tại trụ sở UBND xã."},
        },
    )
    response = upload(client, urls["upload"], content)
    assert response.status_code == 200
    preview = response.context["preview"]
    changes = [(change.task_id, change.field, change.old, change.new) for change in preview.changes]
    assert changes == [
        (a.pk, "status", "", "Đang thực hiện"),
        (b.pk, "percent_done", "20", "60"),
        (c.pk, "narrative", "", "Đã niêm yết công khai tại trụ sở UBND xã."),
    ]
    assert not preview.errors
    assert "Lưu 3 thay đổi" in response.text
    assert Report.objects.get(agency=commune, period=year).version == 1  # nothing saved yet

    saved = client.post(urls["upload"], {"payload": preview.payload, "save": "1"})
    assert saved.status_code == 302 and saved["Location"] == urls["form"]
    report = Report.objects.get(agency=commune, period=year)
    assert report.status == Report.Status.DRAFT and report.version == 2 and report.difficulties == "Chung."
    stored = {p.task_id: p for p in report.progress.all()}
    assert stored[a.pk].status == "in_progress"
    assert (stored[b.pk].status, stored[b.pk].percent_done) == ("in_progress", 60)
    assert stored[c.pk].narrative == "Đã niêm yết công khai tại trụ sở UBND xã."
    assert len(stored) == 3  # no row for the tasks left empty


def test_a_file_without_changes_offers_nothing_to_save(client, commune_reporter, urls):
    client.force_login(commune_reporter)
    response = upload(client, urls["upload"], download(client, urls["excel"]))
    assert response.status_code == 200
    assert response.context["preview"].changes == [] and not response.context["preview"].payload
    assert "Tệp không có thay đổi nào" in response.text and 'name="payload"' not in response.text


def test_a_cell_breaking_the_forms_rules_is_shown_by_task_and_nothing_is_saved(
    client, commune_reporter, commune, year, tasks, urls
):
    measured = tasks[2]
    measured.measure_value, measured.measure_unit = Decimal("95"), "%"
    measured.save()
    client.force_login(commune_reporter)
    content = edit(
        download(client, urls["excel"]),
        {
            tasks[0].pk: {"percent_done": 150},
            tasks[1].pk: {"status": "Xong rồi"},
            measured.pk: {"achieved_value": 120},
            tasks[4].pk: {"narrative": "Một thay đổi đúng."},
        },
    )
    response = upload(client, urls["upload"], content)
    assert response.status_code == 400
    preview = response.context["preview"]
    errors = {(error.task_id, error.label): error.messages for error in preview.errors}
    assert ["nhỏ hơn" in m and "100" in m for m in errors[(tasks[0].pk, "Tỷ lệ hoàn thành (%)")]] == [True]  # Django's words
    assert (tasks[1].pk, "Tình trạng") in errors
    assert errors[(measured.pk, "Giá trị đạt được")] == ["Chỉ tiêu tính theo phần trăm: giá trị đạt được tối đa là 100."]
    assert not preview.payload and 'name="payload"' not in response.text
    assert "3 nhiệm vụ có ô chưa đúng" in response.text
    assert not Report.objects.filter(agency=commune, period=year).exists()


def test_completed_without_a_result_is_a_draft_as_on_the_form_and_submitting_asks_for_it(
    client, commune_reporter, commune, year, tasks, urls
):
    """The form checks a completed task's result only when sending: so does the file."""
    client.force_login(commune_reporter)
    content = edit(download(client, urls["excel"]), {tasks[0].pk: {"status": "Đã hoàn thành", "percent_done": 100}})
    preview = upload(client, urls["upload"], content).context["preview"]
    assert not preview.errors and len(preview.changes) == 2
    assert client.post(urls["upload"], {"payload": preview.payload}).status_code == 302
    report = Report.objects.get(agency=commune, period=year)
    with pytest.raises(workflow.SubmissionProblems) as problems:
        workflow.submit_report(report, commune_reporter, report.version)
    assert problems.value.by_task[tasks[0].pk] == {"narrative": "Nhiệm vụ đã hoàn thành cần ghi kết quả thực hiện."}


def test_a_decimal_comma_typed_as_text_is_read_as_the_form_reads_it(client, commune_reporter, tasks, urls):
    measured = tasks[0]
    measured.measure_value, measured.measure_unit = Decimal("30"), "lần"
    measured.save()
    client.force_login(commune_reporter)
    content = edit(download(client, urls["excel"]), {measured.pk: {"achieved_value": "12,5"}})
    change = upload(client, urls["upload"], content).context["preview"].changes[0]
    assert (change.field, change.old, change.new) == ("achieved_value", "", "12,5")


def _retoken(content, change):
    book = load_workbook(io.BytesIO(content))
    change(book[IDENTITY_SHEET])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_tampered_identification_is_refused(client, commune_reporter, commune, year, urls):
    client.force_login(commune_reporter)
    content = download(client, urls["excel"])

    def forge(sheet):  # a newer version claimed, signed without the server's key
        identity = signing.loads(sheet["A1"].value, salt=IDENTITY_SALT)
        sheet["A1"] = signing.dumps({**identity, "version": 7}, key="not-the-secret", salt=IDENTITY_SALT, compress=True)

    response = upload(client, urls["upload"], _retoken(content, forge))
    assert response.status_code == 400
    assert "Phần nhận dạng của tệp đã bị sửa" in response.text
    assert response.context["preview"] is None

    def wipe(sheet):
        sheet["A1"] = None

    assert "không phải là tệp báo cáo tải về từ hệ thống" in upload(client, urls["upload"], _retoken(content, wipe)).text
    assert not Report.objects.filter(agency=commune, period=year).exists()


def test_a_row_given_another_agencys_task_id_is_refused(client, commune_reporter, year, tasks, urls):
    foreign = year.plan.tasks.exclude(pk__in=[t.pk for t in tasks]).first()
    client.force_login(commune_reporter)
    content = edit(download(client, urls["excel"]), {tasks[0].pk: {"id": foreign.pk, "status": "Đã hoàn thành"}})
    response = upload(client, urls["upload"], content)
    assert response.status_code == 400 and "mã nhiệm vụ trong cột ẩn đã bị sửa" in response.text


def test_a_file_downloaded_before_the_report_changed_is_refused(client, commune_reporter, commune, year, tasks, urls):
    client.force_login(commune_reporter)
    content = edit(download(client, urls["excel"]), {tasks[0].pk: {"status": "Đang thực hiện"}})
    answer(commune, year, commune_reporter, 0, **{f"t{tasks[1].pk}": {"narrative": "Lưu trên biểu mẫu."}})
    response = upload(client, urls["upload"], content)
    assert response.status_code == 400
    assert "Báo cáo đã được lưu lại sau khi tệp này được tải về" in response.text
    assert not TaskProgress.objects.filter(task=tasks[0]).exists()


def test_a_preview_saved_after_the_report_changed_is_refused(client, commune_reporter, commune, year, tasks, urls):
    client.force_login(commune_reporter)
    content = edit(download(client, urls["excel"]), {tasks[0].pk: {"status": "Đang thực hiện"}})
    payload = upload(client, urls["upload"], content).context["preview"].payload
    answer(commune, year, commune_reporter, 0, **{f"t{tasks[1].pk}": {"narrative": "Lưu trên biểu mẫu."}})
    response = client.post(urls["upload"], {"payload": payload})
    assert response.status_code == 400
    assert "vừa được người khác lưu" in response.text
    assert not TaskProgress.objects.filter(task=tasks[0]).exists()
    # A preview changed in the page: refused.
    forged = client.post(urls["upload"], {"payload": payload[:-2] + "xx"})
    assert forged.status_code == 400 and "Dữ liệu xem trước không hợp lệ" in forged.content.decode()


def test_saving_the_same_preview_twice_saves_once(client, commune_reporter, commune, year, tasks, urls):
    client.force_login(commune_reporter)
    content = edit(download(client, urls["excel"]), {tasks[0].pk: {"status": "Đang thực hiện", "percent_done": 30}})
    payload = upload(client, urls["upload"], content).context["preview"].payload
    assert client.post(urls["upload"], {"payload": payload}).status_code == 302
    again = client.post(urls["upload"], {"payload": payload}, follow=True)
    assert "Các thay đổi từ tệp này đã được lưu." in again.text
    assert Report.objects.get(agency=commune, period=year).version == 1
    assert TaskProgress.history.filter(task=tasks[0]).count() == 1


def test_another_agencys_file_is_refused(client, commune_reporter, dak_nong_plan, year, urls):
    other = Agency.objects.filter(province=dak_nong_plan.province, kind="commune_committee").exclude(name="UBND xã Đắk Nia")
    other = next(a for a in other if tasks_for_agency(a, plan=year.plan).exists())
    content = report_workbook.report_workbook(readers.report_sheet(commune_reporter, other, year), None)
    client.force_login(commune_reporter)
    response = upload(client, urls["upload"], content)
    assert response.status_code == 400
    assert "Tệp này là báo cáo của cơ quan hoặc kỳ báo cáo khác" in response.text


def _zip_bomb():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<worksheet>" + b" " * (25 * 1024 * 1024) + b"</worksheet>")
    return buffer.getvalue()


def _claims_many_rows():
    book = Workbook()
    book.active.cell(row=5000, column=1, value="x")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (lambda: b"PK not really a workbook", "Tệp không phải là tệp Excel (.xlsx) đọc được."),
        (_zip_bomb, "Tệp giải nén ra quá lớn"),
        (_claims_many_rows, "Tệp có hơn"),
        (lambda: b"x" * (5 * 1024 * 1024 + 1), "Tệp lớn hơn 5 MB."),
        (lambda: helpers.xlsx().read(), "không phải là tệp báo cáo tải về từ hệ thống"),
    ],
    ids=["not-xlsx", "zip-bomb", "huge-sheet", "huge-file", "other-workbook"],
)
def test_a_file_that_is_not_the_reports_workbook_is_refused(client, commune_reporter, urls, content, message):
    client.force_login(commune_reporter)
    response = upload(client, urls["upload"], content())
    assert response.status_code == 400
    assert message in response.text


def test_a_sent_report_takes_no_file(client, commune_reporter, commune, year, tasks, urls):
    client.force_login(commune_reporter)
    content = download(client, urls["excel"])
    progress = {f"t{t.pk}": {"status": "in_progress"} for t in tasks}
    report = answer(commune, year, commune_reporter, 0, **progress)
    workflow.submit_report(report, commune_reporter, report.version)
    for response in (client.get(urls["excel"]), client.get(urls["upload"]), upload(client, urls["upload"], content)):
        assert response.status_code == 302 and response["Location"] == reverse("report_detail", args=[report.pk])
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("không điền bằng tệp Excel được nữa" in m for m in messages)


@pytest.mark.parametrize("role", ["administrator", "other_province_coordinator", "lead_reporter", "viewer", "outsider"])
def test_only_the_agencys_reporters_reach_its_file(client, request, urls, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(urls["excel"]).status_code == 404
    assert client.get(urls["upload"]).status_code == 404
    assert upload(client, urls["upload"], b"x").status_code == 404


def test_download_and_preview_run_the_same_queries_for_more_tasks(
    client, commune_reporter, commune, year, urls, django_assert_max_num_queries
):
    """Download: session, user, the two-factor device; the agency, the period; the report; the
    sheet's groups, tasks (with dimensions and whether the agency leads). Preview: the same, and
    the upload form; nothing per task."""
    client.force_login(commune_reporter)
    add_tasks(year.plan, 5, agency_name=commune.name)
    with django_assert_max_num_queries(20) as small_download:
        content = download(client, urls["excel"])
    tasks = list(tasks_for_agency(commune, plan=year.plan))
    changed = edit(content, {t.pk: {"percent_done": 10} for t in tasks})
    with django_assert_max_num_queries(20) as small_preview:
        assert len(upload(client, urls["upload"], changed).context["preview"].changes) == len(tasks)

    add_tasks(year.plan, 80, agency_name=commune.name)
    with django_assert_max_num_queries(len(small_download.captured_queries)):
        content = download(client, urls["excel"])
    tasks = list(tasks_for_agency(commune, plan=year.plan))
    changed = edit(content, {t.pk: {"percent_done": 10} for t in tasks})
    with django_assert_max_num_queries(len(small_preview.captured_queries)):
        preview = upload(client, urls["upload"], changed).context["preview"]
    assert len(preview.changes) == len(tasks) > 100
