import re

import pytest

from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_finds_the_plan_and_works_in_the_admin(demo_data, page, shoot, tmp_path):
    page.goto("/")
    assert page.url.endswith("/dang-nhap/?next=/")
    assert page.locator("html").get_attribute("lang") == "vi"
    shoot(page, "01-login")

    log_in(page, "snv.angiang")
    assert "Xin chào, Nguyễn Thị Lan" in page.inner_text("h1")
    rows = page.locator("table.data tbody tr")
    assert rows.count() == 1
    assert "179/KH-UBND" in rows.first.inner_text()
    assert "58" in rows.first.inner_text()
    shoot(page, "02-home-coordinator")

    page.locator("table.plans").get_by_role("link", name="179/KH-UBND").click()  # the headline above links the dashboard
    page.wait_for_url(re.compile(r"/ke-hoach/\d+/$"))
    body = page.inner_text("main")
    assert "thực hiện các giải pháp nâng cao hiệu quả quản trị và hành chính công tỉnh An Giang năm 2020" in body
    assert "5,40" in body and "Sở Y tế" in body and "An ninh" not in page.title()
    shoot(page, "03-plan-an-giang")

    page.click("text=điểm PAPI qua các năm")
    page.wait_for_url(re.compile(r"/tinh/an-giang/$"))
    assert "44,43" in page.inner_text("main") and "25/61" in page.inner_text("main")
    shoot(page, "03b-province-an-giang")
    page.go_back()

    page.click("text=Quản trị")
    page.wait_for_url(re.compile(r"/quan-tri/$"))
    admin_text = page.inner_text("#content-main")
    assert "Kế hoạch" in admin_text and "Nhóm cơ quan" in admin_text
    assert "Phân quyền" not in admin_text  # users and roles are the administrators'
    shoot(page, "04-admin-index-coordinator")

    page.goto("/quan-tri/plans/task/?q=kh%C3%A1m+ch%E1%BB%AFa+b%E1%BB%87nh")
    assert "Nâng cao chất lượng dịch vụ khám chữa bệnh" in page.inner_text("#result_list")
    assert "46/QĐ-UBND" not in page.content()
    shoot(page, "05-admin-task-search")

    page.click("#result_list tbody tr th a >> nth=0")
    page.wait_for_selector("#task_form")
    assert page.locator("#assignments-group").count() == 1
    shoot(page, "06-admin-task-change")

    # Published scores are national reference data: the coordinator is not offered their import.
    page.goto("/")
    assert page.locator("text=Nhập điểm PAPI công bố").count() == 0
    assert page.goto("/diem-papi/nhap/").status == 404
    assert "Không tìm thấy" in page.inner_text("body")
    shoot(page, "06a-score-import-404-coordinator")

    # The administrator imports a year's published scores: preview first, then save.
    log_in(page, "admin")
    page.goto("/")
    page.click("text=Nhập điểm PAPI công bố")
    scores = tmp_path / "papi-2024.csv"
    scores.write_text("province,year,dimension,value\nAn Giang,2024,1,5.10\nAtlantis,2024,1,5.0\n", encoding="utf-8")
    page.set_input_files("#id_file", str(scores))
    page.get_by_role("button", name="Xem trước").click()
    page.wait_for_selector(".callout.error")
    assert "Không có tỉnh “Atlantis” trong năm 2024." in page.inner_text("main")
    shoot(page, "06b-score-import-errors")
    scores.write_text("province,year,dimension,value\nAn Giang,2024,1,5.10\n", encoding="utf-8")
    page.set_input_files("#id_file", str(scores))
    page.get_by_role("button", name="Xem trước").click()
    page.wait_for_selector("input[name=payload]", state="attached")
    shoot(page, "06c-score-import-preview")
    page.get_by_role("button", name="Lưu tất cả").click()
    page.wait_for_selector(".messages")
    assert "Đã lưu 0 điểm mới, 1 điểm thay đổi" in page.inner_text(".messages")
    assert page.csp_violations == []


def test_a_commune_reporter_sees_only_their_province(demo_data, page, shoot):
    log_in(page, "xa.daknia")
    text = page.inner_text("main")
    assert "UBND xã Đắk Nia" in text and "46/QĐ-UBND" in text
    assert "179/KH-UBND" not in text
    assert page.locator("a:has-text('Quản trị')").count() == 0
    shoot(page, "07-home-commune-reporter")
    page.click("button[value=en]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    shoot(page, "08-home-commune-reporter-en")
    assert page.csp_violations == []
