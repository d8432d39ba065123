"""Importing a year's published scores: preview with row errors, all or nothing, idempotent."""

import io
import time
import zipfile
from decimal import Decimal

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from indicators import score_import
from indicators.models import Score

pytestmark = pytest.mark.django_db
URL = reverse("score_import")


def csv_file(text, name="papi-2025.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"))


def xlsx_file(rows, name="papi-2025.xlsx"):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


LONG = "province,year,dimension,sub_dimension,value\nAn Giang,2024,1,,5.10\nĐắk Nông,2024,1,,4.80\nan-giang,2024,D1,D1.1,1.40\n"
WIDE = [["Tỉnh", "D1", "D2", "D3", "D4", "D5", "D6", "D7", "D8"]] + [
    [name] + ["5,5"] * 8 for name in ("An Giang", "Đắk Nông", "Hà Nội")
]


def preview(client, user, upload, year=""):
    client.force_login(user)
    return client.post(URL, {"file": upload, "year": year})


def test_a_good_long_file_previews_then_saves_and_reranks(client, administrator):
    response = preview(client, administrator, csv_file(LONG))
    assert response.status_code == 200 and not response.context["preview"].errors
    assert response.context["changed_count"] == 3  # 2024 scores exist: these three differ
    payload = response.context["payload"]
    assert Score.objects.get(province__code="an-giang", year=2024, dimension__number=1, sub_dimension=None).value != Decimal(
        "5.10"
    )
    response = client.post(URL, {"payload": payload})
    assert response.status_code == 302
    d1 = Score.objects.get(province__code="an-giang", year=2024, dimension__number=1, sub_dimension=None)
    assert d1.value == Decimal("5.10") and d1.rank is not None
    total = Score.objects.get(province__code="an-giang", year=2024, dimension__isnull=True)
    assert total.value == sum(
        Score.objects.filter(province__code="an-giang", year=2024, dimension__isnull=False, sub_dimension=None).values_list(
            "value", flat=True
        )
    )


def test_importing_the_same_file_again_changes_nothing(client, administrator):
    client.post(URL, {"payload": preview(client, administrator, csv_file(LONG)).context["payload"]})
    before = list(Score.objects.filter(year=2024).order_by("pk").values_list("pk", "value", "rank", "group"))
    response = preview(client, administrator, csv_file(LONG))
    assert (response.context["new_count"], response.context["changed_count"], response.context["unchanged_count"]) == (0, 0, 3)
    client.post(URL, {"payload": response.context["payload"]})
    assert list(Score.objects.filter(year=2024).order_by("pk").values_list("pk", "value", "rank", "group")) == before


def test_the_wide_excel_layout_with_the_year_given_on_the_form(client, administrator):
    wide = [WIDE[0]] + [[name] + ["5,5"] * 8 for name in ("An Giang", "Lâm Đồng", "Hà Nội")]
    response = preview(client, administrator, xlsx_file(wide), year="2025")
    assert not response.context["preview"].errors
    assert response.context["new_count"] == 24  # 2025 has no published scores yet
    client.post(URL, {"payload": response.context["payload"]})
    assert Score.objects.filter(year=2025, dimension__isnull=False).count() == 24
    assert Score.objects.filter(year=2025, dimension__isnull=True).count() == 3  # totals of the complete provinces
    # From the 2025 survey on, "Hà Nội" is the unit of 1/7/2025 (as plans of those years are).
    assert Score.objects.filter(year=2025, province__code="ha-noi-2025").exists()
    assert not Score.objects.filter(year=2025, province__code="ha-noi").exists()


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("Atlantis,2024,1,,5.0", "Không có tỉnh “Atlantis” trong năm 2024."),
        ("An Giang,2024,1,,11.5", "Điểm chỉ số nội dung phải từ 1 đến 10."),
        ("An Giang,2024,9,,5.0", "Không rõ chỉ số “9”."),
        ("An Giang,2016,7,,5.0", "không có trong khung chỉ số năm 2016"),
        ("An Giang,2024,1,,năm", "không phải là số"),
        ("An Giang,2024,1,,5.10", "Trùng với dòng 2."),
    ],
)
def test_each_kind_of_bad_row_is_shown_and_nothing_can_be_saved(client, administrator, line, message):
    text = "province,year,dimension,sub_dimension,value\nAn Giang,2024,1,,5.10\n" + line + "\n"
    response = preview(client, administrator, csv_file(text))
    errors = response.context["preview"].errors
    assert [row.line for row in errors] == [3] and message in " ".join(errors[0].errors)
    assert response.context["payload"] == "" and "Lưu tất cả" not in response.text
    assert message.split("“")[0] in response.text


def test_saving_is_all_or_nothing():
    rows = score_import.parse("f.csv", b"province,year,dimension,value\nAn Giang,2024,1,5.1\nAtlantis,2024,1,5.0\n")
    preview = score_import.check(rows)
    with pytest.raises(score_import.ImportFileError):
        score_import.save(preview)
    assert Score.objects.get(province__code="an-giang", year=2024, dimension__number=1, sub_dimension=None).value != Decimal(
        "5.1"
    )


def test_a_tampered_confirmation_is_refused(client, administrator):
    payload = preview(client, administrator, csv_file(LONG)).context["payload"]
    response = client.post(URL, {"payload": payload[:-3] + "abc"})
    assert response.status_code == 400


@pytest.mark.parametrize(("content", "name", "message"), [(b"x", "scores.pdf", "Chỉ nhận tệp"), (b"\xff\xfe", "s.csv", "UTF-8")])
def test_an_unreadable_file_is_a_clear_error(client, administrator, content, name, message):
    response = preview(client, administrator, SimpleUploadedFile(name, content))
    assert message in str(response.context["form"].errors["file"])


@pytest.mark.parametrize("cast", ["coordinator", "other_province_coordinator", "lead_reporter", "viewer", "outsider"])
def test_only_administrators_import(client, request, cast):
    client.force_login(request.getfixturevalue(cast))
    assert client.get(URL).status_code == 404


# (coordinator, the province whose score the file changes): their own and another one.
BY_PROVINCE = [("other_province_coordinator", "Đắk Nông"), ("coordinator", "Đắk Nông"), ("coordinator", "An Giang")]


@pytest.mark.parametrize(("cast", "province"), BY_PROVINCE)
def test_no_coordinator_changes_a_published_score_of_any_province(client, request, cast, province):
    """The attack: An Giang's coordinator rewrote Đắk Nông's 2019 dimension 1 (5,2920 → 9,9000) and its rank."""
    score = Score.objects.get(province__name=province, province__valid_until__isnull=False, year=2019, dimension__number=1,
                              sub_dimension=None)  # fmt: skip
    before = list(Score.objects.filter(year=2019).order_by("pk").values_list("pk", "value", "rank"))
    line = f"province,year,dimension,sub_dimension,value\n{province},2019,1,,9.9000\n"
    payload = signing.dumps(
        [[2, province, 2019, "1", "", "9.9000"]], salt="papi.score-import", serializer=signing.JSONSerializer, compress=True
    )
    client.force_login(request.getfixturevalue(cast))
    assert client.post(URL, {"file": csv_file(line), "year": ""}).status_code == 404
    assert client.post(URL, {"payload": payload}).status_code == 404  # even with a preview signed for someone else
    assert list(Score.objects.filter(year=2019).order_by("pk").values_list("pk", "value", "rank")) == before
    assert score.value != Decimal("9.9000")


def test_the_home_page_offers_the_score_import_to_administrators_only(client, coordinator, administrator):
    client.force_login(coordinator)
    assert "Nhập điểm PAPI công bố" not in client.get(reverse("home")).text
    client.force_login(administrator)
    assert "Nhập điểm PAPI công bố" in client.get(reverse("home")).text


def test_a_file_over_5_mb_is_refused(client, administrator):
    big = SimpleUploadedFile("papi.csv", b"province,year,dimension,value\n" + b"x" * (5 * 1024 * 1024))
    response = preview(client, administrator, big)
    assert "Tệp quá 5 MB." in str(response.context["form"].errors["file"])


@pytest.mark.parametrize("provinces", [5, 61])
def test_saving_a_year_takes_queries_bounded_by_the_standings_not_the_scores(provinces, django_assert_max_num_queries):
    codes = list(Score.objects.filter(year=2024, dimension__isnull=True).values_list("province__code", flat=True)[:provinces])
    lines = ["province,year,dimension,value"] + [f"{code},2024,{n},{4 + n / 10}" for code in codes for n in range(1, 9)]
    preview = score_import.check(score_import.parse("f.csv", "\n".join(lines).encode()))
    assert preview.count("changed") + preview.count("unchanged") == 8 * provinces
    # One bulk update and each year's totals, then one UPDATE per (rank, group) pair of standings,
    # at most 4 per rank of the 61 provinces ranked in 2024, however many scores (here up to 488) change.
    with django_assert_max_num_queries(20 + 4 * 61):
        score_import.save(preview)
    assert Score.objects.filter(year=2024, dimension__number=8, sub_dimension=None, value=Decimal("4.8")).count() == provinces


# What the attack sent, each once a value and once a year: a clear row error, never a 500.
HOSTILE_VALUES = ["NaN", "sNaN", "-NaN", "Infinity", "-inf", "1e999", "5.1e0", "0x5", "٥", "5,1" + "0" * 200_000]


@pytest.mark.parametrize("value", HOSTILE_VALUES, ids=lambda v: v[:12])
def test_a_value_that_is_not_a_plain_number_is_a_row_error(client, administrator, value):
    response = preview(client, administrator, csv_file(f"province,year,dimension,value\nAn Giang,2024,1,{value}\n"))
    assert response.status_code == 200
    assert response.context["payload"] == ""
    form_errors = response.context["form"].errors
    rows = response.context["preview"].errors if response.context["preview"] else []
    assert ("không phải là số" in " ".join(rows[0].errors)) if rows else "Tệp CSV có ô quá dài" in str(form_errors)


@pytest.mark.parametrize("year", ["202²", "²⁰²⁴", "２０２４", "2024.5", "99999999999999999999", "-2024"])
def test_a_year_in_other_digits_is_a_row_error(client, administrator, year):
    response = preview(client, administrator, csv_file(f"province,year,dimension,value\nAn Giang,{year},1,5.1\n"))
    assert response.status_code == 200
    assert "Năm không hợp lệ." in " ".join(response.context["preview"].errors[0].errors)


def test_a_long_cell_in_an_excel_file_is_a_row_error(client, administrator):
    upload = xlsx_file([["province", "year", "dimension", "value"], ["An Giang" * 25_000, 2024, 1, "5" * 200_000]])
    response = preview(client, administrator, upload)
    assert response.status_code == 200
    errors = " ".join(response.context["preview"].errors[0].errors)
    assert "Không có tỉnh" in errors and "không phải là số" in errors
    assert len(errors) < 1000  # the message quotes the start of the cell, not 200 kB of it


def test_more_decimals_than_published_are_rounded_not_refused(client, administrator):
    response = preview(
        client, administrator, xlsx_file([["province", "year", "dimension", "value"], ["An Giang", 2024.0, 1, 5.123456789]])
    )
    assert not response.context["preview"].errors
    assert response.context["preview"].rows[0].value == Decimal("5.1235")


def _sheet_xml(rows_xml, dimension=None):
    head = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"{head}<sheetData>{rows_xml}</sheetData></worksheet>"
    ).encode()


def _with_sheet(sheet_xml):
    """A real workbook whose first sheet's XML is replaced."""
    source = zipfile.ZipFile(io.BytesIO(xlsx_file([["province", "year", "dimension", "value"]]).read()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry in source.infolist():
            archive.writestr(entry.filename, sheet_xml if entry.filename == "xl/worksheets/sheet1.xml" else source.read(entry))
    return out.getvalue()


def test_a_workbook_that_unpacks_to_50_mb_and_a_million_rows_is_refused_before_reading_a_cell(client, administrator):
    row = '<row><c t="inlineStr"><is><t>AG</t></is></c></row>'  # 48 bytes; r= is optional
    bomb = _with_sheet(_sheet_xml(row * 1_000_000))
    assert len(bomb) < 200_000
    started = time.monotonic()
    response = preview(client, administrator, SimpleUploadedFile("papi.xlsx", bomb))
    assert "Tệp giải nén ra quá lớn" in str(response.context["form"].errors["file"])
    assert time.monotonic() - started < 5  # 21 s before: openpyxl read every cell first


def test_a_sheet_claiming_a_million_rows_is_refused_from_its_dimension(client, administrator, monkeypatch):
    small = _with_sheet(_sheet_xml('<row r="1"><c r="A1" t="inlineStr"><is><t>province</t></is></c></row>', "A1:D1000000"))

    def no_cells(*args, **kwargs):
        raise AssertionError("a cell was read")

    monkeypatch.setattr("papi_tracker.spreadsheets.load_workbook", no_cells)
    response = preview(client, administrator, SimpleUploadedFile("papi.xlsx", small))
    assert "Tệp có hơn 20001 dòng." in str(response.context["form"].errors["file"])


def test_a_sheet_of_blank_rows_without_a_dimension_stops_at_the_limit(client, administrator):
    blank = _with_sheet(_sheet_xml("".join(f'<row r="{n}"/>' for n in range(2, 60_000))))
    response = preview(client, administrator, SimpleUploadedFile("papi.xlsx", blank))
    assert "Tệp có quá 20000 dòng." in str(response.context["form"].errors["file"])


def test_the_2025_survey_is_of_the_new_units_and_ranks_among_them(client, administrator):
    """From 2025 on a name is the unit formed on 1/7/2025 ("An Giang" = An Giang + Kiên Giang)."""
    lines = ["province,year,dimension,value"] + [f"{name},2025,1,{value}" for name, value in
                                                   [("An Giang", "5.20"), ("Hà Nội", "5.60"), ("Lâm Đồng", "4.90")]]  # fmt: skip
    response = preview(client, administrator, csv_file("\n".join(lines) + "\n"))
    assert not response.context["preview"].errors
    client.post(URL, {"payload": response.context["payload"]})
    saved = Score.objects.filter(year=2025, dimension__number=1, sub_dimension=None).select_related("province")
    assert {(s.province.code, s.rank) for s in saved} == {("ha-noi-2025", 1), ("an-giang-2025", 2), ("lam-dong-2025", 3)}
