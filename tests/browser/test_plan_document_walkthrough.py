"""A coordinator brings a plan in as the committee issued it: a Word file with bare bullets, a
block-level "Cơ quan phối hợp" and a heading that names no dimension; the preview, the mapping,
the save, and the plan page saying what the document did not state; also at 390 px."""

import io

import docx
import pytest

from indicators.models import Dimension
from reporting import demo_2026
from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COMMUNE_PLAN = """ỦY BAN NHÂN DÂN TỈNH AN GIANG
Số: 77/KH-UBND
An Giang, ngày 15 tháng 01 năm 2026
KẾ HOẠCH
Nâng cao Chỉ số PAPI năm 2026
II. NHIỆM VỤ, GIẢI PHÁP
1. Công khai, minh bạch
Cơ quan phối hợp: Sở Tư pháp
- Niêm yết công khai thủ tục hành chính tại bộ phận một cửa.
- Công khai danh sách hộ nghèo trên cổng thông tin.
2. Công tác tuyên truyền
- Tuyên truyền Chỉ số PAPI trên loa truyền thanh.
"""


def no_sideways_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_coordinator_imports_the_plan_as_issued(demo_data, page, shoot, tmp_path):
    plan = demo_2026.load_merged_unit_demo()
    document = docx.Document()
    for line in COMMUNE_PLAN.splitlines():
        document.add_paragraph(line)
    path = tmp_path / "ke-hoach-77.docx"
    out = io.BytesIO()
    document.save(out)
    path.write_bytes(out.getvalue())

    log_in(page, "snv.angiang.moi")
    page.goto(f"/ke-hoach/{plan.pk}/nhap-nhiem-vu/")
    assert "Từ văn bản kế hoạch đã ban hành" in page.inner_text("main")
    shoot(page, "60-import-choice")
    page.set_input_files("#id_document", str(path))
    page.get_by_role("button", name="Đọc văn bản").click()
    page.wait_for_selector("input[name=payload]", state="attached")
    main = page.inner_text("main")
    assert "77/KH-UBND" in main and "15/01/2026" in main and "Công tác tuyên truyền" in main
    assert "Không nêu" in main and "(ghi chung cho khối)" in main
    shoot(page, "61-document-preview")

    page.set_viewport_size({"width": 390, "height": 844})
    assert no_sideways_scroll(page) or page.evaluate("document.querySelector('.scroll') !== null")
    shoot(page, "62-document-preview-390")
    page.set_viewport_size({"width": 1280, "height": 900})

    openness = Dimension.objects.for_year(2026).get(number=2)
    page.select_option("#id_section-0", value=str(openness.pk))
    page.get_by_role("button", name="Xem lại với các lựa chọn").click()
    page.get_by_role("button", name="Lưu 3 nhiệm vụ").click()
    page.wait_for_selector(".messages")
    assert "Đã thêm 3 nhiệm vụ vào kế hoạch." in page.inner_text(".messages")
    body = page.inner_text("main")
    assert "Tuyên truyền Chỉ số PAPI trên loa truyền thanh." in body and "theo kế hoạch: đến 31/12/2026" in body
    shoot(page, "63-plan-after-document-import")
    page.set_viewport_size({"width": 390, "height": 844})
    shoot(page, "64-plan-after-document-import-390")
