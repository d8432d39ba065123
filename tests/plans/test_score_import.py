"""Importing a year's published scores: preview with row errors, all or nothing, idempotent."""

import io
from decimal import Decimal

import pytest
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


def test_a_good_long_file_previews_then_saves_and_reranks(client, coordinator):
    response = preview(client, coordinator, csv_file(LONG))
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


def test_importing_the_same_file_again_changes_nothing(client, coordinator):
    client.post(URL, {"payload": preview(client, coordinator, csv_file(LONG)).context["payload"]})
    before = list(Score.objects.filter(year=2024).order_by("pk").values_list("pk", "value", "rank", "group"))
    response = preview(client, coordinator, csv_file(LONG))
    assert (response.context["new_count"], response.context["changed_count"], response.context["unchanged_count"]) == (0, 0, 3)
    client.post(URL, {"payload": response.context["payload"]})
    assert list(Score.objects.filter(year=2024).order_by("pk").values_list("pk", "value", "rank", "group")) == before


def test_the_wide_excel_layout_with_the_year_given_on_the_form(client, administrator):
    response = preview(client, administrator, xlsx_file(WIDE), year="2025")
    assert not response.context["preview"].errors
    assert response.context["new_count"] == 24  # 2025 has no published scores yet
    client.post(URL, {"payload": response.context["payload"]})
    assert Score.objects.filter(year=2025, dimension__isnull=False).count() == 24
    assert Score.objects.filter(year=2025, dimension__isnull=True).count() == 3  # totals of the complete provinces
    # "Hà Nội" in 2025 is the former province (valid until 30/6/2025) by its name that year.
    assert Score.objects.filter(year=2025, province__code="ha-noi").exists()


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
def test_each_kind_of_bad_row_is_shown_and_nothing_can_be_saved(client, coordinator, line, message):
    text = "province,year,dimension,sub_dimension,value\nAn Giang,2024,1,,5.10\n" + line + "\n"
    response = preview(client, coordinator, csv_file(text))
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


def test_a_tampered_confirmation_is_refused(client, coordinator):
    payload = preview(client, coordinator, csv_file(LONG)).context["payload"]
    response = client.post(URL, {"payload": payload[:-3] + "abc"})
    assert response.status_code == 400


@pytest.mark.parametrize(("content", "name", "message"), [(b"x", "scores.pdf", "Chỉ nhận tệp"), (b"\xff\xfe", "s.csv", "UTF-8")])
def test_an_unreadable_file_is_a_clear_error(client, coordinator, content, name, message):
    response = preview(client, coordinator, SimpleUploadedFile(name, content))
    assert message in str(response.context["form"].errors["file"])


@pytest.mark.parametrize("cast", ["lead_reporter", "viewer", "outsider"])
def test_only_coordinators_and_administrators_import(client, request, cast):
    client.force_login(request.getfixturevalue(cast))
    assert client.get(URL).status_code == 404


def test_a_file_over_5_mb_is_refused(client, coordinator):
    big = SimpleUploadedFile("papi.csv", b"province,year,dimension,value\n" + b"x" * (5 * 1024 * 1024))
    response = preview(client, coordinator, big)
    assert "Tệp quá 5 MB." in str(response.context["form"].errors["file"])


def test_saving_a_whole_year_takes_a_fixed_number_of_queries(django_assert_max_num_queries):
    lines = ["province,year,dimension,value"] + [
        f"{code},2024,{n},5.5" for code in ("an-giang", "dak-nong", "ha-noi", "quang-tri", "can-tho") for n in range(1, 9)
    ]
    preview = score_import.check(score_import.parse("f.csv", "\n".join(lines).encode()))
    assert preview.count("changed") == 40
    # one bulk update, then each year's totals and standings: not one query per score
    with django_assert_max_num_queries(20):
        score_import.save(preview)
    assert Score.objects.filter(year=2024, dimension__number=8, sub_dimension=None, value=Decimal("5.5")).count() == 5
