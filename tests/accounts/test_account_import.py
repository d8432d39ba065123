"""Many accounts from an Excel list: a preview of each row's problems, then all or nothing."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from accounts import services

pytestmark = pytest.mark.django_db
User = get_user_model()
URL = reverse("account_import")
HEADING = ["Cơ quan", "Họ và tên", "Thư điện tử", "Vai trò", "Tên đăng nhập"]


def workbook(*rows):
    book = Workbook()
    book.active.append(HEADING)
    for row in rows:
        book.active.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("ds.xlsx", out.getvalue())


GOOD = [
    ("Sở Y tế", "Đỗ Văn Bình", "binh.dv@angiang.gov.vn", "Báo cáo viên", ""),
    ("sở nội vụ", "Lý Thị Thu", "thu@angiang.gov.vn", "điều phối", "thu.snv"),
    ("UBND thành phố Long Xuyên", "Phan Minh", "pminh@angiang.gov.vn", "Lãnh đạo", ""),
]


def test_a_clean_list_is_previewed_then_saved_with_invitations(client, coordinator, django_capture_on_commit_callbacks):
    client.force_login(coordinator)
    preview = client.post(URL, {"file": workbook(*GOOD)})
    assert preview.status_code == 200 and preview.context["error_count"] == 0 and preview.context["payload"]
    assert "Sẵn sàng tạo 3 tài khoản" in preview.text and "binh.dv" in preview.text  # the user name it will make
    assert not User.objects.filter(email__endswith="@angiang.gov.vn").exists()  # nothing saved yet
    with django_capture_on_commit_callbacks(execute=True):
        saved = client.post(URL, {"payload": preview.context["payload"]})
    assert saved.status_code == 302
    users = {u.username: u for u in User.objects.filter(email__endswith="@angiang.gov.vn")}
    assert set(users) == {"binh.dv", "thu.snv", "pminh"}
    assert users["thu.snv"].memberships.get().role == "coordinator" and users["thu.snv"].is_staff
    assert users["pminh"].memberships.get().role == "viewer"
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in users.values())


def test_every_rows_problems_are_shown_and_nothing_is_saved(client, coordinator, lead_reporter):
    User.objects.filter(pk=lead_reporter.pk).update(email="minh@angiang.gov.vn")
    client.force_login(coordinator)
    rows = [
        *GOOD,
        ("Sở Nội vụ Đắk Nông", "Người Khác", "khac@daknong.gov.vn", "báo cáo viên", ""),  # not this province's
        ("Sở Y tế", "", "trung@angiang.gov.vn", "Báo cáo viên", ""),  # no name
        ("Sở Y tế", "Trùng Thư", "minh@angiang.gov.vn", "Báo cáo viên", ""),  # has an account
        ("Sở Y tế", "Lặp Lại", "binh.dv@angiang.gov.vn", "Báo cáo viên", ""),  # twice in the list
        ("Sở Y tế", "Sai Vai", "vai@angiang.gov.vn", "thủ trưởng", ""),  # unknown role
        ("Sở Y tế", "Điều Phối", "dp@angiang.gov.vn", "điều phối", ""),  # coordinator outside Sở Nội vụ
        ("Sở Y tế", "Tên Sai", "ten@angiang.gov.vn", "Báo cáo viên", "có dấu cách"),
    ]
    preview = client.post(URL, {"file": workbook(*rows)})
    assert preview.status_code == 200 and preview.context["payload"] == ""
    errors = {item["row"].line: item["errors"] for item in preview.context["rows"] if item["row"].errors}
    assert set(errors) == {5, 6, 7, 8, 9, 10, 11}
    assert "Không có cơ quan này" in errors[5]["agency"]
    assert "Thiếu họ và tên" in errors[6]["full_name"]
    assert "đã có tài khoản" in errors[7]["email"]
    assert "lặp lại trong danh sách" in errors[8]["email"]
    assert "Vai trò phải là" in errors[9]["role"]
    assert "cơ quan thường trực" in errors[10]["role"]
    assert "Tên đăng nhập chỉ gồm" in errors[11]["username"]
    assert "7 dòng có lỗi, chưa lưu gì" in preview.text
    assert not User.objects.filter(email__endswith="@angiang.gov.vn").exclude(pk=lead_reporter.pk).exists()


def test_saving_is_all_or_nothing_when_the_data_changed_since_the_preview(client, coordinator):
    client.force_login(coordinator)
    preview = client.post(URL, {"file": workbook(*GOOD)})
    User.objects.create_user("someone", email="thu@angiang.gov.vn")  # meanwhile, one address got an account
    response = client.post(URL, {"payload": preview.context["payload"]})
    assert response.status_code == 200 and "chưa lưu tài khoản nào" in response.text
    assert not User.objects.filter(email__in=["binh.dv@angiang.gov.vn", "pminh@angiang.gov.vn"]).exists()


def test_a_tampered_payload_is_refused(client, coordinator):
    client.force_login(coordinator)
    assert client.post(URL, {"payload": "x"}).status_code == 400


def test_a_file_that_is_not_a_workbook_or_too_long_is_refused(client, coordinator):
    client.force_login(coordinator)
    refused = client.post(URL, {"file": SimpleUploadedFile("ds.xlsx", b"not a zip")})
    assert refused.status_code == 200 and "không phải là tệp Excel" in refused.text
    many = [("Sở Y tế", f"Người {n}", f"n{n}@angiang.gov.vn", "Báo cáo viên", "") for n in range(services.MAX_IMPORT_ROWS + 1)]
    refused = client.post(URL, {"file": workbook(*many)})
    assert "Tệp có hơn 501 dòng." in refused.text  # the heading and 500 people


def test_checking_a_list_takes_a_fixed_number_of_queries(coordinator, django_assert_num_queries):
    def rows(count):
        return [services.AccountRow(n, "Sở Y tế", f"Người {n}", f"n{n}@angiang.gov.vn", "Báo cáo viên") for n in range(count)]

    # the agencies (with their provinces, the coordinated provinces in a subquery), the e-mails, the user names
    with django_assert_num_queries(3):
        services.check_rows(coordinator, rows(2))
    with django_assert_num_queries(3):
        checked = services.check_rows(coordinator, rows(200))
    assert not any(row.errors for row in checked)


def test_the_template_has_the_columns(client, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("account_import_template"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in sheet[1]] == [
        "Cơ quan",
        "Họ và tên",
        "Thư điện tử",
        "Vai trò",
        "Tên đăng nhập (không bắt buộc)",
    ]


def test_a_user_name_differing_only_in_case_is_taken(coordinator):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user("Nguyenvana", password="x")
    typed = services.AccountRow(2, "Sở Y tế", "Nguyễn Văn A", "a@angiang.gov.vn", "Báo cáo viên", username="nguyenvana")
    made = services.AccountRow(3, "Sở Y tế", "Nguyễn Văn A", "NGUYENVANA@angiang.gov.vn", "Báo cáo viên")
    typed, made = services.check_rows(coordinator, [typed, made])
    assert "Tên đăng nhập này đã có người dùng." in " ".join(message for _field, message in typed.errors)
    assert made.username.lower() != "nguyenvana"  # the one made from the e-mail takes the next free name
