"""Plans in and out of Excel: the DANH MỤC export, the blank template, and the import with
its agency matching, preview and all-or-nothing save; every kind of bad file."""

import datetime
import io
import re
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from plans import plan_import
from plans.excel import COLUMNS
from plans.models import Agency, Plan, Task

pytestmark = pytest.mark.django_db


def signature(plan):
    """What a round trip must keep of each task."""
    rows = []
    for task in Task.objects.filter(plan=plan).order_by("order", "id").prefetch_related("assignments"):
        assignments = sorted((a.role, a.agency_id or 0, a.group_id or 0) for a in task.assignments.all())
        rows.append((task.number, task.title, task.measure, task.measure_value, task.measure_unit, task.timeframe_kind,
                     task.timeframe_text, task.due_date, task.expected_output, task.supervisor, task.dimension_id,
                     task.sub_dimension_id, assignments))  # fmt: skip
    return rows


@pytest.fixture
def empty_plan(dak_nong_plan):
    return Plan.objects.create(
        province=dak_nong_plan.province, year=2020, title="Kế hoạch mới", document_number="99/KH-UBND", baseline_year=2018
    )


def upload(client, plan, content, name="danh-muc.xlsx"):
    return client.post(reverse("plan_task_import", args=[plan.pk]), {"file": SimpleUploadedFile(name, content)})


def test_the_dak_nong_plan_goes_out_and_back_in_unchanged(client, other_province_coordinator, dak_nong_plan, empty_plan):
    client.force_login(other_province_coordinator)
    exported = client.get(reverse("plan_excel", args=[dak_nong_plan.pk]))
    assert exported.status_code == 200
    response = upload(client, empty_plan, exported.content)
    assert response.status_code == 200, [r.errors for r in response.context["rows"] if r.errors]
    assert response.context["task_count"] == 41 and response.context["error_count"] == 0
    assert response.context["mapping_form"].names == []  # every agency and group recognised
    saved = client.post(reverse("plan_task_import", args=[empty_plan.pk]), {"payload": response.context["payload"], "save": "1"})
    assert saved.status_code == 302
    assert signature(empty_plan) == signature(dak_nong_plan)
    assert len(signature(empty_plan)) == 41


def test_the_an_giang_plan_round_trips_too_with_its_sub_dimensions(client, coordinator, an_giang_plan):
    assert Task.objects.filter(plan=an_giang_plan, sub_dimension__isnull=False).count() == 21
    target = Plan.objects.create(
        province=an_giang_plan.province, year=2020, title="Bản sao", document_number="98/KH-UBND", baseline_year=2018
    )
    client.force_login(coordinator)
    exported = client.get(reverse("plan_excel", args=[an_giang_plan.pk])).content
    response = upload(client, target, exported)
    assert response.status_code == 200 and response.context["mapping_form"].names == []
    client.post(reverse("plan_task_import", args=[target.pk]), {"payload": response.context["payload"], "save": "1"})
    assert signature(target) == signature(an_giang_plan) and len(signature(target)) == 58


def test_the_export_is_the_danh_muc_layout(client, coordinator, an_giang_plan):
    client.force_login(coordinator)
    book = load_workbook(io.BytesIO(client.get(reverse("plan_excel", args=[an_giang_plan.pk])).content))
    sheet = book.active
    assert [c.value for c in sheet[4]] == [c.heading for c in COLUMNS]
    assert sheet["A5"].value == "I. Chỉ số 1: Tham gia của người dân ở cấp cơ sở"
    first = [c.value for c in sheet[6]]
    assert first[0] == "1.1" and first[5] and first[8] == datetime.datetime(2020, 12, 30)
    assert sheet.freeze_panes == "A5"


def test_the_blank_template_reads_as_an_empty_file(client, coordinator, an_giang_plan):
    client.force_login(coordinator)
    template = client.get(reverse("plan_template"))
    assert template.status_code == 200
    response = upload(client, an_giang_plan, template.content)
    assert response.status_code == 400 and "Tệp không có nhiệm vụ nào dưới dòng tiêu đề." in response.text


def sheet(rows, header=("STT", "Nhiệm vụ trọng tâm", "Chỉ tiêu", "Đầu mối chủ trì thực hiện", "Đơn vị thực hiện",
                        "Thời gian thực hiện", "Kết quả thực hiện")):  # fmt: skip
    """A workbook as agencies type them: the Đắk Nông headings, then the rows given."""
    book = Workbook()
    page = book.active
    page.append(["DANH MỤC NHIỆM VỤ"])
    page.append(list(header))
    for row in rows:
        page.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_names_are_matched_through_case_diacritics_abbreviations_and_lists(client, other_province_coordinator, empty_plan):
    content = sheet([
        ("I", "Chỉ số: Tham gia của người dân ở cấp cơ sở"),
        ("1", "Tuyên truyền", "100 %", "Sở LĐTB&XH", "ubnd cấp huyện; UBND CẤP XÃ", "Thường xuyên", "Báo cáo"),
        ("2", "Công khai", "", "Sở Lao động, Thương binh và Xã hội, Sở Nội vụ", "Ủy ban MTTQ Việt Nam tỉnh", "Quý IV/2020", ""),
        ("V", "Thủ tục hành chính công"),
        ("3", "Một cửa", "", "Văn phòng UBND tỉnh", "Các cơ quan, đơn vị có liên quan", "Theo định kỳ 06 tháng", ""),
    ])  # fmt: skip
    client.force_login(other_province_coordinator)
    response = upload(client, empty_plan, content)
    assert response.status_code == 200 and response.context["mapping_form"].names == []
    rows = [r for r in response.context["rows"] if r.values]
    assert [r.dimension_id is not None for r in rows] == [True, True, True]
    client.post(reverse("plan_task_import", args=[empty_plan.pk]), {"payload": response.context["payload"], "save": "1"})
    tasks = {t.number: t for t in Task.objects.filter(plan=empty_plan)}
    lead = tasks["1"].assignments.get(role="lead")
    assert lead.agency.name == "Sở Lao động Thương binh và Xã hội"
    assert sorted(str(a.group) for a in tasks["1"].assignments.filter(role="coordinating")) == ["UBND cấp huyện", "UBND cấp xã"]
    assert sorted(a.agency.name for a in tasks["2"].assignments.filter(role="lead")) == [
        "Sở Lao động Thương binh và Xã hội",
        "Sở Nội vụ",
    ]
    assert tasks["3"].dimension.number == 5 and tasks["3"].timeframe_kind == "periodic"
    assert tasks["2"].timeframe_kind == "other" and tasks["1"].timeframe_kind == "ongoing"


def test_an_unknown_name_is_mapped_or_created_before_anything_is_saved(client, other_province_coordinator, empty_plan):
    content = sheet([
        ("I", "Chỉ số: Tham gia của người dân ở cấp cơ sở"),
        ("1", "Tuyên truyền", "", "Sở Nội vụ tỉnh Đắk Nông", "Hội Nông dân tỉnh", "Thường xuyên", ""),
        ("2", "Tiếp dân", "", "Phòng Nội vụ thị xã", "", "Thường xuyên", ""),
    ])  # fmt: skip
    client.force_login(other_province_coordinator)
    response = upload(client, empty_plan, content)
    form = response.context["mapping_form"]
    assert form.names == ["Hội Nông dân tỉnh", "Phòng Nội vụ thị xã"]  # "Sở Nội vụ tỉnh Đắk Nông" is Sở Nội vụ
    assert "Lưu 2 nhiệm vụ" not in response.text  # not before every name is settled
    url = reverse("plan_task_import", args=[empty_plan.pk])
    payload = response.context["payload"]
    refused = client.post(url, {"payload": payload, "save": "1"})
    assert refused.status_code == 400 and not Task.objects.filter(plan=empty_plan).exists()
    home = Agency.objects.get(province=empty_plan.province, name="Sở Nội vụ")
    choices = {"payload": payload, "map-0": "new:front", "map-1": f"agency:{home.pk}"}
    preview = client.post(url, {**choices, "preview": "1"})
    assert preview.status_code == 200 and "Lưu 2 nhiệm vụ" in preview.text
    assert client.post(url, {**choices, "save": "1"}).status_code == 302
    first, second = Task.objects.filter(plan=empty_plan).order_by("order")
    assert first.assignments.get(role="lead").agency == home and second.assignments.get(role="lead").agency == home
    farmers = Agency.objects.get(province=empty_plan.province, name="Hội Nông dân tỉnh")
    assert farmers.kind == "front" and first.assignments.get(role="coordinating").agency == farmers
    home.refresh_from_db()
    assert "Phòng Nội vụ thị xã" in home.aliases  # known next time
    assert plan_import.resolve("Phòng Nội vụ thị xã", plan_import.directory(empty_plan.province)) == [f"agency:{home.pk}"]


BAD_FILES = {
    "empty": (b"", "Tệp trống."),
    "not excel": (b"%PDF-1.4 not a workbook", "Tệp không phải là tệp Excel (.xlsx) đọc được."),
    "missing column": (sheet([("1", "x")], header=("STT", "Nhiệm vụ", "Chỉ tiêu")), "thiếu cột: Đầu mối chủ trì"),
    "no header": (sheet([], header=("Số", "Việc")), "Không tìm thấy dòng tiêu đề cột"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_a_bad_file_is_refused_with_a_clear_message(client, other_province_coordinator, empty_plan, case):
    content, message = BAD_FILES[case]
    client.force_login(other_province_coordinator)
    response = upload(client, empty_plan, content)
    assert response.status_code == 400 and message in response.text
    assert not Task.objects.filter(plan=empty_plan).exists()


def test_a_50_mb_file_is_refused(client, other_province_coordinator, empty_plan):
    client.force_login(other_province_coordinator)
    response = upload(client, empty_plan, b"PK" + b"\0" * (50 * 1024 * 1024))
    assert response.status_code == 400 and "Tệp lớn hơn 5 MB." in response.text


def test_bad_rows_are_named_by_row_and_column_and_nothing_is_saved(client, other_province_coordinator, empty_plan):
    book = Workbook()
    page = book.active
    page.append(["STT", "Nhiệm vụ", "Chỉ tiêu", "Giá trị chỉ tiêu", "Đầu mối chủ trì", "Đơn vị thực hiện",
                 "Thời gian thực hiện", "Hạn hoàn thành"])  # fmt: skip
    page.append(["I. Chỉ số 1: Tham gia của người dân ở cấp cơ sở"])
    page.append(["1", "Tốt", "", 30, "Sở Nội vụ", "", "Thường xuyên", ""])
    page.append(["2", "Chữ trong ô số", "", "ba mươi", "Sở Nội vụ", "", "", ""])  # row 4
    page.append(["3", "Công thức", "", "=SUM(1,2)", "Sở Nội vụ", "", "", ""])  # row 5
    page.append(["4", "Ngày sai", "", "", "Sở Nội vụ", "", "", "31/02/2020"])  # row 6
    page.append(["1", "Trùng số", "", "", "Sở Nội vụ", "", "", ""])  # row 7
    page.append(["5", "Không có cơ quan chủ trì", "", "", "", "Sở Y tế", "", ""])  # row 8
    page.append(["VIII", "Chỉ số 12: không có"])  # row 9
    buffer = io.BytesIO()
    book.save(buffer)
    client.force_login(other_province_coordinator)
    response = upload(client, empty_plan, buffer.getvalue())
    assert response.status_code == 400
    errors = {row.line: " ".join(row.errors) for row in response.context["rows"] if row.errors}
    assert "Cột “Giá trị chỉ tiêu”: “ba mươi” không phải là số." in errors[4]
    assert "Cột “Giá trị chỉ tiêu”: ô chứa công thức (=SUM(1,2))" in errors[5]
    assert "Cột “Hạn hoàn thành”: “31/02/2020” không phải là ngày (dd/mm/yyyy)." in errors[6]
    assert "Số thứ tự 1 trùng với dòng 3." in errors[7]
    assert "Cột “Đầu mối chủ trì” đang trống." in errors[8]
    assert "Không nhận ra chỉ số nội dung của năm 2020" in errors[9]
    assert 3 not in errors
    assert "Lưu" not in response.text.split("Xem trước")[0].split("Tải tệp khác")[-1]  # no save button
    assert not Task.objects.filter(plan=empty_plan).exists()


def test_merged_cells_within_the_table_are_refused(client, other_province_coordinator, empty_plan):
    book = load_workbook(io.BytesIO(sheet([
        ("I", "Chỉ số: Tham gia của người dân ở cấp cơ sở"),
        ("1", "Một", "", "Sở Nội vụ", "", "", ""),
        ("2", "Hai", "", "", "", "", ""),
    ])))  # fmt: skip
    book.active.merge_cells("D4:D5")
    buffer = io.BytesIO()
    book.save(buffer)
    client.force_login(other_province_coordinator)
    response = upload(client, empty_plan, buffer.getvalue())
    assert response.status_code == 400 and "Các ô D4:D5 (dòng 4–5) đang được gộp" in response.text


def test_a_tampered_preview_is_refused(client, other_province_coordinator, empty_plan):
    client.force_login(other_province_coordinator)
    response = client.post(reverse("plan_task_import", args=[empty_plan.pk]), {"payload": "x", "save": "1"})
    assert response.status_code == 400


def test_only_the_provinces_coordinators_import(client, coordinator, viewer, empty_plan):
    for user in (coordinator, viewer):  # An Giang's coordinator; a viewer
        client.force_login(user)
        assert client.get(reverse("plan_task_import", args=[empty_plan.pk])).status_code == 404


def test_text_that_looks_like_a_formula_is_exported_as_text(client, other_province_coordinator, dak_nong_plan):
    task = Task.objects.filter(plan=dak_nong_plan).order_by("order").first()
    task.measure = "=1+1"
    task.measure_value = Decimal("95")
    task.save()
    client.force_login(other_province_coordinator)
    page = load_workbook(io.BytesIO(client.get(reverse("plan_excel", args=[dak_nong_plan.pk])).content)).active
    assert page["C6"].value == "=1+1" and page["C6"].data_type == "s"
    assert page["D6"].value == 95 and page["D6"].data_type == "n"


def test_a_preview_made_for_one_plan_cannot_be_saved_into_another(client, other_province_coordinator, dak_nong_plan, empty_plan):
    other = Plan.objects.create(
        province=empty_plan.province, year=2021, title="Khác", document_number="98/KH-UBND", baseline_year=2020
    )
    content = sheet([("I", "Chỉ số: Tham gia của người dân ở cấp cơ sở"), ("1", "Một", "", "Sở Nội vụ", "", "", "")])
    client.force_login(other_province_coordinator)
    payload = upload(client, empty_plan, content).context["payload"]
    response = client.post(reverse("plan_task_import", args=[other.pk]), {"payload": payload, "save": "1"})
    assert response.status_code == 400 and not Task.objects.filter(plan__in=[empty_plan, other]).exists()


def test_a_task_added_since_the_preview_stops_the_save(client, other_province_coordinator, empty_plan):
    content = sheet([("I", "Chỉ số: Tham gia của người dân ở cấp cơ sở"), ("1", "Một", "", "Sở Nội vụ", "", "", "")])
    client.force_login(other_province_coordinator)
    payload = upload(client, empty_plan, content).context["payload"]
    Task.objects.create(plan=empty_plan, number="1", title="Thêm bằng tay")
    response = client.post(reverse("plan_task_import", args=[empty_plan.pk]), {"payload": payload, "save": "1"})
    assert response.status_code == 400 and "Kế hoạch đã có nhiệm vụ số 1." in response.text
    assert Task.objects.filter(plan=empty_plan).count() == 1


def test_a_cell_longer_than_its_column_is_a_row_error(client, other_province_coordinator, empty_plan):
    content = sheet([("I", "Chỉ số: Tham gia của người dân ở cấp cơ sở"), ("1" * 25, "Một", "", "Sở Nội vụ", "", "x" * 250, "")])
    client.force_login(other_province_coordinator)
    response = upload(client, empty_plan, content)
    assert response.status_code == 400
    errors = " ".join(e for row in response.context["rows"] for e in row.errors)
    assert "Cột “STT” dài quá 20 ký tự." in errors and "Cột “Thời gian thực hiện” dài quá 200 ký tự." in errors


def test_a_small_file_that_unpacks_to_a_huge_one_is_refused(client, other_province_coordinator, empty_plan):
    buffer = io.BytesIO(sheet([("I", "Chỉ số: Tham gia của người dân ở cấp cơ sở")]))
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/padding.xml", b" " * (25 * 1024 * 1024))
    assert len(buffer.getvalue()) < 200_000
    client.force_login(other_province_coordinator)
    response = upload(client, empty_plan, buffer.getvalue())
    assert response.status_code == 400 and "Tệp giải nén ra quá lớn" in response.text


def test_a_broken_workbook_is_refused_not_a_crash(client, other_province_coordinator, empty_plan):
    source = zipfile.ZipFile(io.BytesIO(sheet([("I", "Chỉ số 1")])))
    broken = io.BytesIO()
    with zipfile.ZipFile(broken, "w") as archive:
        for entry in source.infolist():
            data = source.read(entry)
            archive.writestr(entry, data[: len(data) // 2] if entry.filename.endswith("sheet1.xml") else data)
    client.force_login(other_province_coordinator)
    response = upload(client, empty_plan, broken.getvalue())
    assert response.status_code == 400 and "Tệp không phải là tệp Excel (.xlsx) đọc được." in response.text


def test_numbers_as_people_write_them(client, other_province_coordinator, empty_plan):
    book = Workbook()
    page = book.active
    page.append(["STT", "Nhiệm vụ", "Chỉ tiêu", "Giá trị chỉ tiêu", "Đầu mối chủ trì", "Thời gian thực hiện"])
    page.append(["I. Chỉ số 1: Tham gia của người dân ở cấp cơ sở"])
    page.append(["1", "Một", 0.95, "1.500", "Sở Nội vụ", datetime.datetime(2020, 12, 1)])
    page.append(["2", "Hai", "", "5,5", "Sở Nội vụ", ""])
    page.append(["3", "Ba", "", "1.5", "Sở Nội vụ", ""])
    page.append(["4", "Bốn", "", "15.000.000.000", "Sở Nội vụ", ""])
    page.append(["5", "Năm", "", "inf", "Sở Nội vụ", ""])
    page["C3"].number_format = "0%"
    page["F3"].number_format = "mm/yyyy"
    buffer = io.BytesIO()
    book.save(buffer)
    client.force_login(other_province_coordinator)
    response = upload(client, empty_plan, buffer.getvalue())
    rows = {r.number: r for r in response.context["rows"] if r.values}
    assert (rows["1"].values["measure"], rows["1"].values["timeframe_text"]) == ("95 %", "12/2020")
    assert [rows[n].values["measure_value"] for n in "123"] == ["1500.00", "5.50", "1.50"]
    assert "“15.000.000.000” lớn quá" in " ".join(rows["4"].errors)
    assert "“inf” không phải là số" in " ".join(rows["5"].errors)
    assert response.status_code == 400


def test_a_task_row_missing_its_agencies_is_not_taken_for_a_heading(client, other_province_coordinator, empty_plan):
    content = sheet([
        ("I", "Chỉ số: Tham gia của người dân ở cấp cơ sở"),
        ("1", "Một", "", "Sở Nội vụ", "", "", ""),
        ("2", "Tăng cường công tác chỉ đạo, điều hành cải cách hành chính"),
        ("3", "Nâng cao chỉ số Cung ứng dịch vụ công"),
        ("4", "Bốn", "", "Sở Nội vụ", "", "", ""),
    ])  # fmt: skip
    client.force_login(other_province_coordinator)
    rows = [r for r in upload(client, empty_plan, content).context["rows"] if r.values]
    assert [r.number for r in rows] == ["1", "2", "3", "4"]
    assert len({r.dimension_id for r in rows}) == 1  # all under dimension 1
    assert all("Cột “Đầu mối chủ trì” đang trống." in r.errors for r in rows[1:3])


def test_two_spellings_and_a_list_with_one_unknown_name(client, other_province_coordinator, empty_plan):
    content = sheet([
        ("I", "Chỉ số: Tham gia của người dân ở cấp cơ sở"),
        ("1", "Một", "", "Sở Nội vụ, Hội Nông dân tỉnh", "", "", ""),
        ("2", "Hai", "", "Sở Nội vụ", "Hội nông dân tỉnh", "", ""),
    ])  # fmt: skip
    client.force_login(other_province_coordinator)
    response = upload(client, empty_plan, content)
    assert response.context["mapping_form"].names == ["Hội Nông dân tỉnh"]  # one piece, one spelling
    url = reverse("plan_task_import", args=[empty_plan.pk])
    saved = client.post(url, {"payload": response.context["payload"], "map-0": "new:front", "save": "1"})
    assert saved.status_code == 302
    first, second = Task.objects.filter(plan=empty_plan).order_by("order")
    assert sorted(a.agency.name for a in first.assignments.filter(role="lead")) == ["Hội Nông dân tỉnh", "Sở Nội vụ"]
    assert second.assignments.get(role="coordinating").agency.name == "Hội Nông dân tỉnh"


def test_a_tampered_preview_payload_is_refused(client, other_province_coordinator, empty_plan):
    content = sheet([("I", "Chỉ số: Tham gia của người dân ở cấp cơ sở"), ("1", "Một", "", "Sở Nội vụ", "", "", "")])
    client.force_login(other_province_coordinator)
    payload = upload(client, empty_plan, content).context["payload"]
    middle = len(payload) // 2
    tampered = payload[:middle] + ("A" if payload[middle] != "A" else "B") + payload[middle + 1 :]
    response = client.post(reverse("plan_task_import", args=[empty_plan.pk]), {"payload": tampered, "save": "1"})
    assert response.status_code == 400 and not Task.objects.filter(plan=empty_plan).exists()


ONE_TASK = [("I", "Chỉ số: Tham gia của người dân ở cấp cơ sở"), ("1", "Một", "", "Sở Nội vụ", "", "", "")]


def test_a_double_click_on_save_adds_the_tasks_once_and_shows_no_error(client, other_province_coordinator, empty_plan):
    client.force_login(other_province_coordinator)
    payload = upload(client, empty_plan, sheet(ONE_TASK)).context["payload"]
    url = reverse("plan_task_import", args=[empty_plan.pk])
    first = client.post(url, {"payload": payload, "save": "1"})
    second = client.post(url, {"payload": payload, "save": "1"}, follow=True)
    assert first.status_code == 302
    assert second.redirect_chain == [(reverse("plan_detail", args=[empty_plan.pk]), 302)]
    assert "đã được lưu vào kế hoạch; không thêm lần nữa" in second.text
    assert list(Task.objects.filter(plan=empty_plan).values_list("number", flat=True)) == ["1"]


def test_two_saves_of_one_preview_at_once_do_not_break_the_unique_number(other_province_coordinator, empty_plan):
    """Both requests read the plan before either wrote: the second save finds the numbers taken
    once the first commits, and says so instead of an IntegrityError (a 500 before)."""
    rows = plan_import.parse(sheet(ONE_TASK), empty_plan)
    names = plan_import.directory(empty_plan.province)
    plan_import.check(rows, names, {})
    late = plan_import.from_payload(empty_plan, plan_import.to_payload(empty_plan, rows))
    plan_import.check(late, names, {})
    assert plan_import.save(empty_plan, rows, {}) == 1
    with pytest.raises(plan_import.PlanImportError):
        plan_import.save(empty_plan, late, {})
    assert Task.objects.filter(plan=empty_plan).count() == 1
    assert plan_import.already_saved(empty_plan, late)


def test_a_sheet_claiming_more_rows_than_allowed_is_refused_before_its_cells_are_read(
    client, other_province_coordinator, empty_plan, monkeypatch
):
    content = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(sheet(ONE_TASK))) as source, zipfile.ZipFile(content, "w") as archive:
        for entry in source.infolist():
            data = source.read(entry)
            if entry.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="A1:G4"\s*/>', b'<dimension ref="A1:G999999"/>', data)
                assert b"G999999" in data
            archive.writestr(entry, data)

    def no_cells(*args, **kwargs):
        raise AssertionError("a cell was read")

    monkeypatch.setattr(plan_import, "load_workbook", no_cells)
    client.force_login(other_province_coordinator)
    response = upload(client, empty_plan, content.getvalue())
    assert response.status_code == 400 and "Tệp có hơn 5000 dòng." in response.text


def test_a_file_that_would_take_the_plan_past_its_task_limit_is_refused(client, other_province_coordinator, empty_plan):
    from papi_tracker.limits import MAX_TASKS_PER_PLAN

    Task.objects.bulk_create(Task(plan=empty_plan, number=f"x{n}", title="Có sẵn") for n in range(MAX_TASKS_PER_PLAN))
    client.force_login(other_province_coordinator)
    response = upload(client, empty_plan, sheet(ONE_TASK))
    assert response.status_code == 400
    assert f"Một kế hoạch có tối đa {MAX_TASKS_PER_PLAN} nhiệm vụ" in response.text
    assert Task.objects.filter(plan=empty_plan).count() == MAX_TASKS_PER_PLAN


def test_the_tasks_own_bounds_are_row_errors_named_by_column(client, other_province_coordinator, empty_plan):
    """The same rules as the admin (Task.bounds_errors): a due date in the plan's years, a measure within its unit."""
    book = Workbook()
    page = book.active
    page.append(["STT", "Nhiệm vụ", "Chỉ tiêu", "Giá trị chỉ tiêu", "Đơn vị tính", "Đầu mối chủ trì", "Hạn hoàn thành"])
    page.append(["I. Chỉ số 1: Tham gia của người dân ở cấp cơ sở"])
    page.append(["1", "Âm", "", -3, "cuộc", "Sở Nội vụ", ""])  # row 3
    page.append(["2", "Quá 100 %", "", 150, "%", "Sở Nội vụ", ""])  # row 4
    page.append(["3", "Năm 9999", "", "", "", "Sở Nội vụ", "31/12/9999"])  # row 5
    page.append(["4", "Dài", "x" * 3001, "", "", "Sở Nội vụ", ""])  # row 6
    page.append(["5", "Tốt", "", 150, "cuộc", "Sở Nội vụ", "31/12/2020"])  # row 7
    buffer = io.BytesIO()
    book.save(buffer)
    client.force_login(other_province_coordinator)
    response = upload(client, empty_plan, buffer.getvalue())
    assert response.status_code == 400
    errors = {row.line: " ".join(row.errors) for row in response.context["rows"] if row.errors}
    assert "Cột “Giá trị chỉ tiêu”: Giá trị chỉ tiêu không được âm." in errors[3]
    assert "Cột “Giá trị chỉ tiêu”: Chỉ tiêu tính theo phần trăm: giá trị tối đa là 100." in errors[4]
    assert "Cột “Hạn hoàn thành”: Ngày phải trong khoảng 01/01/2019 – 31/12/2021" in errors[5]
    assert "Cột “Chỉ tiêu” dài quá 3000 ký tự." in errors[6]
    assert 7 not in errors
    assert not Task.objects.filter(plan=empty_plan).exists()


def test_reading_a_file_asks_the_database_the_same_few_questions_whatever_its_length(
    client, coordinator, an_giang_plan, django_assert_num_queries
):
    """The year's dimensions, their sub-dimensions, the plan's task numbers, its task count:
    no query per row (the 58 rows name 21 sub-dimensions)."""
    target = Plan.objects.create(
        province=an_giang_plan.province, year=2020, title="Bản sao", document_number="98/KH-UBND", baseline_year=2018
    )
    client.force_login(coordinator)
    exported = client.get(reverse("plan_excel", args=[an_giang_plan.pk])).content
    with django_assert_num_queries(4):
        rows = plan_import.parse(exported, target)
    assert len([row for row in rows if row.values.get("sub_dimension_id")]) == 21
    assert not [row.errors for row in rows if row.errors]
