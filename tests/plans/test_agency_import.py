"""A province's agencies in bulk from a list: preview with each row's problems, all or nothing,
and the same list again creates nothing."""

import io
import re

import pytest
from openpyxl import Workbook

from indicators.models import Province
from plans import agency_import
from plans.models import Agency, AgencyKind

pytestmark = pytest.mark.django_db

GOOD = "Tên cơ quan,Tên viết tắt,Loại,Thư điện tử\nSở Y tế,SYT,Sở, ban, ngành,syt@angiang.gov.vn\nCông an tỉnh,CA,Công an,\n"


def rows_of(text, name="co-quan.csv"):
    unit = Province.objects.get(code="an-giang-2025")
    return unit, agency_import.check(unit, agency_import.read_rows(name, text.encode("utf-8")))


def test_a_good_list_saves_and_the_same_list_again_creates_nothing():
    unit, rows = rows_of(GOOD.replace("Sở, ban, ngành", '"Sở, ban, ngành"'))
    assert [r.errors for r in rows] == [[], []]
    assert agency_import.save(unit, rows) == 2
    health = Agency.objects.get(province=unit, name="Sở Y tế")
    assert (health.short_name, health.kind, health.email) == ("SYT", AgencyKind.DEPARTMENT, "syt@angiang.gov.vn")
    assert Agency.objects.get(province=unit, name="Công an tỉnh").kind == AgencyKind.POLICE
    unit, again = rows_of(GOOD.replace("Sở, ban, ngành", '"Sở, ban, ngành"'))
    assert all(r.exists for r in again)
    assert agency_import.save(unit, again) == 0


def test_each_bad_row_is_named_and_nothing_is_saved():
    text = (
        "Tên cơ quan,Loại,Thư điện tử\n"
        "Sở Tư pháp,Sở ban ngành,stp@x\n"  # 2: e-mail
        ",Công an,\n"  # 3: no name
        "Báo An Giang,Nhà máy,\n"  # 4: kind
        "SỞ TƯ PHÁP,,\n"  # 5: same as line 2
        f"{'x' * 201},,\n"  # 6: too long
    )
    unit, rows = rows_of(text)
    problems = {row.line: " ".join(row.errors) for row in rows if row.errors}
    assert "Thư điện tử “stp@x” không hợp lệ." in problems[2]
    assert "Thiếu tên cơ quan." in problems[3]
    assert "Không rõ loại cơ quan “Nhà máy”." in problems[4]
    assert "Trùng với dòng 2." in problems[5]
    assert "Tên cơ quan dài quá 200 ký tự." in problems[6]
    with pytest.raises(agency_import.AgencyImportError):
        agency_import.save(unit, rows)
    assert not Agency.objects.filter(province=unit).exists()


def test_an_excel_list_is_read_and_an_unreadable_file_is_a_clear_error():
    book = Workbook()
    book.active.append(["Tên cơ quan", "Loại"])
    book.active.append(["Sở Tài chính", "department"])
    buffer = io.BytesIO()
    book.save(buffer)
    rows = agency_import.read_rows("co-quan.xlsx", buffer.getvalue())
    assert [(r.name, r.kind_text) for r in rows] == [("Sở Tài chính", "department")]
    for name, content, message in [
        ("x.pdf", b"%PDF", "Chỉ nhận tệp .xlsx hoặc .csv."),
        ("x.xlsx", b"PK not a zip", "Tệp không phải là tệp Excel (.xlsx) đọc được."),
        ("x.csv", "Loại\nSở\n".encode(), "Không thấy cột “Tên cơ quan” ở dòng đầu."),
    ]:
        with pytest.raises(agency_import.AgencyImportError, match=re.escape(message)):
            agency_import.read_rows(name, content)


def test_the_page_previews_then_saves_once_and_refuses_another_province(client, other_province_coordinator, coordinator):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    dak_nong = Province.objects.get(code="dak-nong")
    url = reverse("agency_import", args=[dak_nong.code])
    client.force_login(other_province_coordinator)
    text = "Tên cơ quan,Loại\nSở Nội vụ,Sở ban ngành\nSở Du lịch,Sở ban ngành\n"
    preview = client.post(url, {"file": SimpleUploadedFile("co-quan.csv", text.encode())})
    assert preview.status_code == 200 and "1 cơ quan mới" in preview.text and "Đã có: giữ nguyên" in preview.text
    payload = preview.context["payload"]
    saved = client.post(url, {"payload": payload, "save": "1"}, follow=True)
    assert "Đã thêm 1 cơ quan." in saved.text
    again = client.post(url, {"payload": payload, "save": "1"}, follow=True)
    assert "Đã thêm 0 cơ quan." in again.text
    assert Agency.objects.filter(province=dak_nong, name="Sở Du lịch").count() == 1
    bad = client.post(url, {"file": SimpleUploadedFile("co-quan.csv", "Tên cơ quan,Loại\nX,Nhà máy\n".encode())})
    assert bad.status_code == 400 and "Không rõ loại cơ quan “Nhà máy”." in bad.text and 'name="payload"' not in bad.text
    client.force_login(coordinator)  # An Giang's: Đắk Nông's page, and its preview, are not theirs
    assert client.get(url).status_code == 404
    assert client.post(url, {"payload": payload, "save": "1"}).status_code == 404
    assert client.post(reverse("agency_import", args=["an-giang"]), {"payload": payload, "save": "1"}).status_code == 400


def test_a_unit_of_2025_takes_no_district_committee():
    unit, rows = rows_of("Tên cơ quan,Loại\nUBND huyện Chợ Mới,UBND cấp huyện\n")
    assert "không còn cấp huyện" in " ".join(rows[0].errors)
    former = Province.objects.get(code="an-giang")
    assert (
        agency_import.check(former, agency_import.read_rows("x.csv", "Tên cơ quan,Loại\nUBND huyện X,UBND cấp huyện\n".encode()))[
            0
        ].errors
        == []
    )
