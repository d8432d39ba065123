"""The first day of a province of 2026: the merged An Giang's coordinator sets up its communes
from the statistics office's list and its departments from a list, reads its former provinces'
history and its 2026 plan's derived baselines; each page also at 390 px (a phone)."""

import re

import pytest
from django.core import mail

from plans.models import Membership
from reporting import demo_2026
from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_sideways_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_coordinator_sets_up_the_merged_an_giang(demo_data, page, shoot, tmp_path):
    plan = demo_2026.load_merged_unit_demo()
    log_in(page, "snv.angiang.moi")
    assert "Thiết lập An Giang" in page.inner_text("main")
    shoot(page, "40-home-coordinator-2026")

    page.click("text=UBND cấp xã")
    page.wait_for_url(re.compile(r"/don-vi/an-giang-2025/xa-phuong/$"))
    assert "Đã có 102/102." in page.inner_text("main")  # the demo created them all
    shoot(page, "41-communes")

    page.goto("/don-vi/an-giang-2025/nhap-co-quan/")
    listing = tmp_path / "co-quan.csv"
    listing.write_text("Tên cơ quan,Tên viết tắt,Loại,Thư điện tử\nSở Du lịch,SDL,Sở ban ngành,sdl@angiang.gov.vn\n"
                       "Sở Y tế,,Sở ban ngành,\n", encoding="utf-8")  # fmt: skip
    page.set_input_files("#id_file", str(listing))
    page.get_by_role("button", name="Đọc tệp").click()
    page.wait_for_selector("input[name=payload]", state="attached")
    assert "Đã có: giữ nguyên" in page.inner_text("main")
    shoot(page, "42-agency-import-preview")
    page.get_by_role("button", name="Lưu 1 cơ quan mới").click()
    page.wait_for_selector(".messages")
    assert "Đã thêm 1 cơ quan." in page.inner_text(".messages")

    page.goto("/tinh/an-giang-2025/")
    body = page.inner_text("main")
    assert "Tổng điểm và xếp hạng của các tỉnh trước sắp xếp" in body and "ước tính từ An Giang" in body
    shoot(page, "43-merged-unit-page")

    page.goto(f"/ke-hoach/{plan.pk}/chi-tieu/")
    assert "ước tính từ An Giang" in page.inner_text("main")
    shoot(page, "44-targets-derived-baseline")

    # Onboard a commune clerk without the central administrator: create, invite, first login.
    page.goto("/tai-khoan/them/")
    page.select_option("#id_agency", label="UBND phường Mỹ Thới")
    page.fill("#id_full_name", "Trần Thị Bích")
    page.fill("#id_email", "bich.mybinh@angiang.gov.vn")
    shoot(page, "48-account-create")
    page.get_by_role("button", name="Tạo và gửi thư mời").click()
    page.wait_for_selector(".messages")
    assert "gửi thư mời đặt mật khẩu đến bich.mybinh@angiang.gov.vn" in page.inner_text(".messages")
    invitation = next(m for m in mail.outbox if "bich.mybinh@angiang.gov.vn" in m.to)
    link = re.search(r"https?://\S+/dat-mat-khau/\S+/", invitation.body)[0]
    username = Membership.objects.get(user__email="bich.mybinh@angiang.gov.vn").user.username

    clerk = page.context.browser.new_context(base_url=page.url.split("/tai-khoan")[0], locale="vi-VN")
    other = clerk.new_page()
    other.goto("/dat-mat-khau/" + link.split("/dat-mat-khau/", 1)[1])
    other.wait_for_selector("#id_new_password1")
    shoot(other, "49-set-password")
    other.fill("#id_new_password1", "Phuong-MyBinh-2026")
    other.fill("#id_new_password2", "Phuong-MyBinh-2026")
    other.get_by_role("button", name="Đặt mật khẩu").click()
    other.wait_for_url(re.compile(r"/dat-mat-khau/xong/$"))
    other.goto("/dang-nhap/")
    other.fill("#id_username", username)
    other.fill("#id_password", "Phuong-MyBinh-2026")
    other.get_by_role("button", name="Đăng nhập").click()
    other.wait_for_url(lambda url: "/dang-nhap/" not in url)
    assert "MH-01/KH-UBND" in other.inner_text("main")  # the 2026 plan, on the clerk's first page
    shoot(other, "50-clerk-first-login")
    clerk.close()

    page.set_viewport_size({"width": 390, "height": 844})
    for url, name in [
        ("/don-vi/an-giang-2025/xa-phuong/", "45-communes-390"),
        ("/don-vi/an-giang-2025/nhap-co-quan/", "46-agency-import-390"),
        ("/tinh/an-giang-2025/", "47-merged-unit-page-390"),
    ]:
        page.goto(url)
        shoot(page, name)
        assert no_sideways_scroll(page), url
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, "admin")
    page.goto("/toan-quoc/")
    table = page.inner_text("table.national")
    assert "MH-01/KH-UBND" in table and "chưa có kế hoạch" in table
    assert page.locator("table.national tbody tr").count() == 34  # every unit in force
    shoot(page, "51-national-every-unit")
    assert page.csp_violations == []
