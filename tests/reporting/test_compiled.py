"""The compiled period report: one data function, the official PDF and the Excel appendix.
Each produced file is opened and read back."""

import datetime
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from papi_tracker.pdf import vietnamese_date
from plans.models import TaskAssignment
from reporting import compiled
from reporting.models import Report, TaskProgress
from tests.pdf import pdf_info, pdf_text

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2020, 10, 1)
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
HEADING = {
    "number": "25/BC-SNV",
    "issue_date": "05/10/2020",
    "summary": "Kết quả thực hiện Kế hoạch nâng cao Chỉ số PAPI 9 tháng năm 2020",
    "signer_title": "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC",
    "signer_name": "Nguyễn Văn An",
    "recipients": "UBND tỉnh (b/c);\n- Lưu: VT, CCHC.",
}


def test_the_excel_statistics_are_the_dashboard_pages(client, coordinator, small_plan):
    """End to end: the figures in the downloaded file equal those the dashboard page shows."""
    client.force_login(coordinator)
    page = client.get(reverse("plan_dashboard", args=[small_plan["plan"].pk]), {"period": small_plan["nine"].pk})
    shown, discipline = page.context["progress"].tally, page.context["progress"].discipline
    book = load_workbook(io.BytesIO(client.get(reverse("compiled_excel", args=[small_plan["nine"].pk])).content))
    stats = book["Thống kê"]
    figures = {stats.cell(row=r, column=1).value: (stats.cell(row=r, column=2).value, stats.cell(row=r, column=4).value)
               for r in range(5, 13)}  # fmt: skip
    assert figures["Nhiệm vụ đã hoàn thành"] == (shown.completed, shown.completed_percent)
    assert figures["Nhiệm vụ đang thực hiện"] == (shown.in_progress, shown.in_progress_percent)
    assert figures["Nhiệm vụ quá hạn"] == (shown.overdue, shown.overdue_percent)
    assert figures["Cơ quan đã gửi báo cáo"] == (discipline.sent, discipline.reporting_rate)
    assert figures["Cơ quan gửi đúng hạn"] == (len(discipline.on_time), discipline.on_time_rate)


def test_a_control_character_in_an_answer_does_not_break_the_file(client, coordinator, small_plan):
    TaskProgress.objects.filter(report__period=small_plan["nine"]).update(narrative="Đã làm\x0bxong\x01")
    client.force_login(coordinator)
    response = client.get(reverse("compiled_excel", args=[small_plan["nine"].pk]))
    assert response.status_code == 200
    cells = [c.value for row in load_workbook(io.BytesIO(response.content))["Phụ lục"].iter_rows() for c in row]
    assert any(isinstance(v, str) and "Đã làmxong" in v for v in cells)


def test_without_a_lead_the_percent_counts_every_agency_of_the_task(small_plan):
    TaskAssignment.objects.filter(task=small_plan["tasks"]["T5"], role="lead").delete()
    TaskAssignment.objects.create(task=small_plan["tasks"]["T5"], role="coordinating", agency=small_plan["agency"]["Sở Tư pháp"])
    report = compiled.compiled_report(small_plan["plan"], small_plan["nine"], today=TODAY)
    t5 = next(r for s in report.sections for r in s.tasks if r.task.number == "T5")
    assert (t5.state.status, t5.percent_done) == ("in_progress", 50)  # Sở Y tế done, Sở Tư pháp silent


def test_each_task_carries_every_agencys_answer_leads_first(small_plan):
    Report.objects.filter(period=small_plan["nine"]).update(proposals="")
    health = small_plan["agency"]["Sở Y tế"]
    Report.objects.filter(period=small_plan["nine"], agency=health).update(proposals="Bổ sung kinh phí.")
    report = compiled.compiled_report(small_plan["plan"], small_plan["nine"], today=TODAY)
    assert [s.number for s in report.sections] == ["I", "II", ""]  # dimensions 1 and 2, then general tasks
    tasks = {r.task.number: r for s in report.sections for r in s.tasks}
    t5 = tasks["T5"]
    assert [(a.agency_name, a.role, a.status) for a in t5.answers] == [
        ("Sở Nội vụ", "lead", "not_started"),
        ("Sở Y tế", "coordinating", "completed"),
    ]
    assert t5.lead_names == ["Sở Nội vụ"] and t5.coordinating_names == ["Sở Y tế"]
    assert (tasks["T2"].percent_done, t5.percent_done, tasks["T3"].percent_done) == (100, 0, 0)
    assert tasks["T3"].lead_names == ["UBND cấp huyện"]
    notes = {n.agency_name: n for n in report.notes}
    assert notes["Sở Y tế"].task_difficulties == [("T5", "Thiếu kinh phí")]
    assert notes["Sở Y tế"].proposals == "Bổ sung kinh phí."
    assert "Sở Tư pháp" not in notes  # its report was returned: not part of the compiled report


def test_the_official_date_line():
    assert vietnamese_date(datetime.date(2020, 1, 10)) == "ngày 10 tháng 01 năm 2020"
    assert vietnamese_date(datetime.date(2021, 3, 5)) == "ngày 05 tháng 3 năm 2021"
    assert vietnamese_date(datetime.date(2020, 12, 30)) == "ngày 30 tháng 12 năm 2020"


# --- Excel ----------------------------------------------------------------------------


def test_the_excel_appendix_holds_the_tasks_statistics_and_difficulties(client, coordinator, small_plan):
    task = small_plan["tasks"]["T1"]
    task.title = '=HYPERLINK("http://example.invalid","bấm")'  # typed by someone: text, never a formula
    task.measure = "+100 %"
    task.save()
    client.force_login(coordinator)
    response = client.get(reverse("compiled_excel", args=[small_plan["nine"].pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert 'filename="bao-cao-tong-hop-t-1kh-ubnd-9-thang-2020.xlsx"' in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Phụ lục", "Thống kê", "Khó khăn, đề xuất"]

    sheet = book["Phụ lục"]
    assert sheet["A1"].value == "DANH MỤC KẾT QUẢ THỰC HIỆN NHIỆM VỤ"
    assert [c.value for c in sheet[4]] == [
        "STT", "Nhiệm vụ", "Chỉ tiêu", "Đầu mối chủ trì", "Đơn vị thực hiện", "Thời gian thực hiện",
        "Kết quả thực hiện", "Tình trạng", "Tỷ lệ hoàn thành (%)",
    ]  # fmt: skip
    assert sheet["A5"].value == "I. Chỉ số 1: Tham gia của người dân ở cấp cơ sở"
    assert "A5:I5" in {str(r) for r in sheet.merged_cells.ranges}
    t1 = sheet[6]
    assert t1[0].value == "T1" and t1[1].value.startswith("=HYPERLINK") and t1[1].data_type == "s"
    assert t1[2].value == "+100 %" and t1[2].data_type == "s"
    assert t1[3].value == "Sở Y tế" and t1[7].value == "Đã hoàn thành"
    assert t1[8].value == 100 and t1[8].data_type == "n"
    rows = {sheet.cell(row=r, column=1).value: r for r in range(5, sheet.max_row + 1)}
    t4 = sheet[rows["T4"]]
    assert t4[7].value == "Chưa thực hiện (quá hạn)" and t4[8].value == 0
    t3 = sheet[rows["T3"]]
    assert t3[3].value == "UBND cấp huyện"
    assert sheet.freeze_panes == "A5" and sheet.page_setup.orientation == "landscape"
    assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4 and sheet.print_title_rows == "$4:$4"
    assert sheet["B6"].alignment.wrap_text and sheet.column_dimensions["B"].width == 48

    stats = book["Thống kê"]
    values = {stats.cell(row=r, column=1).value: [stats.cell(row=r, column=c).value for c in (2, 3, 4)] for r in range(5, 13)}
    assert values["Nhiệm vụ đã hoàn thành"] == [2, 5, 40]
    assert values["Nhiệm vụ quá hạn"] == [1, 5, 20]
    assert values["Cơ quan đã gửi báo cáo"] == [3, 14, 21]
    assert values["Cơ quan gửi đúng hạn"] == [2, 14, 14]

    notes = book["Khó khăn, đề xuất"]
    assert [notes.cell(row=4, column=c).value for c in (1, 3)] == ["Sở Y tế", "T5: Thiếu kinh phí"]


# --- PDF ------------------------------------------------------------------------------


@pytest.fixture
def pdf_response(client, coordinator, small_plan):
    if not shutil.which("pdftotext"):
        pytest.fail("poppler-utils is missing: scripts/system-deps.sh installs it")
    client.force_login(coordinator)
    return client.post(reverse("compiled_report", args=[small_plan["nine"].pk]), HEADING)


def test_the_pdf_is_an_official_document_with_its_fonts_embedded(pdf_response, small_plan, tmp_path):
    assert pdf_response.status_code == 200 and pdf_response["Content-Type"] == "application/pdf"
    content = pdf_response.content
    info = pdf_info(content, tmp_path, "pdfinfo")
    assert "A4" in info
    fonts = pdf_info(content, tmp_path, "pdffonts").splitlines()[2:]
    serif = [line for line in fonts if "PAPI-Serif" in line]
    assert len(serif) == 4 and all(" yes yes " in line for line in serif)  # embedded, subset
    first = pdf_text(content, tmp_path, 1, 1)
    for line in ("UBND TỈNH AN GIANG", "SỞ NỘI VỤ", "Số: 25/BC-SNV", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                 "Độc lập - Tự do - Hạnh phúc", "An Giang, ngày 05 tháng 10 năm 2020", "BÁO CÁO",
                 "I. KẾT QUẢ CHUNG"):  # fmt: skip
        assert line in first, line
    assert "đã hoàn thành 2/5 đầu công việc, đạt 40 %" in " ".join(first.split())
    text = " ".join(pdf_text(content, tmp_path).split())
    for part in ("II. KẾT QUẢ THEO CHỈ SỐ NỘI DUNG", "III. THỐNG KÊ KẾT QUẢ THỰC HIỆN", "IV. CƠ QUAN, ĐƠN VỊ GỬI BÁO CÁO TRỄ HẠN",
                 "Sở Tư pháp (trễ 4 ngày)", "V. KHÓ KHĂN, VƯỚNG MẮC", "nhiệm vụ T5: Thiếu kinh phí",
                 "VI. ĐỀ XUẤT, KIẾN NGHỊ", "Nơi nhận:", "UBND tỉnh (b/c);", "Lưu: VT, CCHC.", "KT. GIÁM ĐỐC",
                 "PHÓ GIÁM ĐỐC", "Nguyễn Văn An", "PHỤ LỤC", "Nhiệm vụ T1",
                 "Chỉ số 1: Tham gia của người dân ở cấp cơ sở"):  # fmt: skip
        assert part in text, part


def test_page_numbers_from_page_two_and_a_landscape_appendix(pdf_response, tmp_path):
    content = pdf_response.content
    pages = int(
        next(line for line in pdf_info(content, tmp_path, "pdfinfo").splitlines() if line.startswith("Pages:")).split()[1]
    )
    assert pages >= 2
    assert pdf_text(content, tmp_path, 1, 1).lstrip().startswith("UBND TỈNH")  # no number on page 1
    assert pdf_text(content, tmp_path, 2, 2).strip().splitlines()[0].strip() == "2"
    path = tmp_path / "sizes.pdf"
    path.write_bytes(content)
    sizes = subprocess.run(["pdfinfo", "-f", "1", "-l", str(pages), str(path)], capture_output=True, text=True).stdout
    page_sizes = [line.split(":", 1)[1].strip() for line in sizes.splitlines() if line.startswith("Page") and "size" in line]
    assert page_sizes[0].startswith("595.") and page_sizes[-1].startswith("841.")  # portrait, then landscape
    appendix = next(n for n in range(1, pages + 1) if "PHỤ LỤC" in pdf_text(content, tmp_path, n, n))
    if shutil.which("pdftoppm"):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        for name, page in (("40-compiled-pdf-first-page", 1), ("41-compiled-pdf-appendix", appendix)):
            subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", str(page), "-l", str(page), "-singlefile", str(path),
                            str(ARTIFACTS / name)], check=True)  # fmt: skip


def test_the_heading_is_required_and_bad_input_says_why(client, coordinator, small_plan):
    client.force_login(coordinator)
    url = reverse("compiled_report", args=[small_plan["nine"].pk])
    response = client.post(url, {**HEADING, "number": "", "issue_date": "31/02/2020"})
    assert response.status_code == 400 and response["Content-Type"].startswith("text/html")
    assert "Trường này là bắt buộc" in response.text or "bắt buộc" in response.text
    assert response.context["form"].errors.keys() == {"number", "issue_date"}


def test_the_form_remembers_the_signer_for_the_next_period(client, coordinator, small_plan):
    client.force_login(coordinator)
    client.post(reverse("compiled_report", args=[small_plan["nine"].pk]), HEADING)
    form = client.get(reverse("compiled_report", args=[small_plan["half"].pk])).context["form"]
    assert form.initial["signer_name"] == "Nguyễn Văn An" and form.initial["number"] == "25/BC-SNV"
    assert "6 tháng" in form.initial["summary"]  # the summary follows the period


def test_a_viewer_reads_the_dashboard_but_does_not_compile(client, viewer, small_plan):
    client.force_login(viewer)
    assert client.get(reverse("compiled_excel", args=[small_plan["nine"].pk])).status_code == 404
    assert client.post(reverse("compiled_report", args=[small_plan["nine"].pk]), HEADING).status_code == 404


def test_the_pdf_reads_as_prose_and_signs_below_its_text(client, coordinator, small_plan, tmp_path):
    TaskProgress.objects.filter(difficulties="Thiếu kinh phí").update(difficulties="Thiếu kinh phí.")
    Report.objects.filter(period=small_plan["nine"]).exclude(difficulties="").update(difficulties="Chậm giải ngân.")
    client.force_login(coordinator)
    content = client.post(reverse("compiled_report", args=[small_plan["nine"].pk]), HEADING).content
    text = " ".join(pdf_text(content, tmp_path).split())
    assert ".;" not in text and ".." not in text and "nhiệm vụ T5: Thiếu kinh phí." in text
    pages = int(
        next(line for line in pdf_info(content, tmp_path, "pdfinfo").splitlines() if line.startswith("Pages:")).split()[1]
    )
    signed = next(n for n in range(1, pages + 1) if "Nơi nhận" in pdf_text(content, tmp_path, n, n))
    before = pdf_text(content, tmp_path, signed, signed).split("Nơi nhận")[0].split()
    assert len(before) > 3  # not alone on its page: some of the body's words above it (past the page number)
