"""The plan as an official PDF, and an agency's own report as a PDF to sign and send."""

import pytest
from django.urls import reverse

from plans.models import Agency
from reporting.models import Report
from tests.factories import at
from tests.pdf import page_sizes, pdf_info, pdf_text

pytestmark = pytest.mark.django_db


def test_the_plan_pdf_has_its_targets_and_its_danh_muc_in_landscape(client, viewer, an_giang_plan, tmp_path):
    client.force_login(viewer)
    response = client.get(reverse("plan_pdf", args=[an_giang_plan.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    first = pdf_text(response.content, tmp_path, 1, 1)
    for line in ("ỦY BAN NHÂN DÂN TỈNH AN", "Số: 179/KH-UBND", "An Giang, ngày 10 tháng 4 năm 2020", "KẾ HOẠCH",
                 "1. Tham gia của người dân ở cấp cơ sở"):  # fmt: skip
        assert line in first, line
    text = " ".join(pdf_text(response.content, tmp_path).split())
    assert "DANH MỤC NHIỆM VỤ" in text and "KT. CHỦ TỊCH" in text and "Trần Anh Thư" in text
    sizes = page_sizes(response.content, tmp_path)
    assert sizes[0].startswith("595.") and sizes[-1].startswith("841.")
    assert all(" yes yes " in line for line in pdf_info(response.content, tmp_path, "pdffonts").splitlines()[2:])


def test_an_agency_prints_its_report_to_sign(client, lead_reporter, coordinator, an_giang_plan, tmp_path):
    health = Agency.objects.get(province=an_giang_plan.province, name="Sở Y tế")
    period = an_giang_plan.periods.get(kind="year")
    report = Report.objects.create(agency=health, period=period, status="submitted", submitted_at=at(period.due_date),
                                   first_submitted_at=at(period.due_date), difficulties="Thiếu nhân lực.")  # fmt: skip
    task = an_giang_plan.tasks.get(number="6.1")
    report.progress.create(task=task, status="completed", percent_done=100, narrative="Đã khám cho 12.000 lượt người.")
    texts = []
    for user in (lead_reporter, coordinator):
        client.force_login(user)
        response = client.get(reverse("report_pdf", args=[report.pk]))
        assert response.status_code == 200
        texts.append(" ".join(pdf_text(response.content, tmp_path).split()))
    assert texts[0] == texts[1]  # the same document whoever prints it
    text = texts[0]
    for part in ("UBND TỈNH AN GIANG", "SỞ Y TẾ", "An Giang, ngày 29 tháng 12 năm 2020",
                 "Kết quả thực hiện Kế hoạch số 179/KH-UBND", "Đã khám cho 12.000 lượt người.", "Thiếu nhân lực.",
                 "Sở Nội vụ (để tổng hợp);", "THỦ TRƯỞNG CƠ QUAN"):  # fmt: skip
        assert part in text, part


def test_documents_name_a_city_as_a_city():
    from indicators.models import Province

    hanoi = Province.objects.filter(kind=Province.Kind.CITY, name="Hà Nội").first()
    assert hanoi.committee == "UBND thành phố Hà Nội"  # not "UBND Thành phố trực thuộc trung ương Hà Nội"
    assert Province.objects.filter(name="An Giang").first().committee == "UBND tỉnh An Giang"


def test_the_clerk_gives_the_report_its_number_and_a_decision_is_named_so(client, commune_reporter, dak_nong_plan, tmp_path):
    commune = Agency.objects.get(name="UBND xã Đắk Nia")
    period = dak_nong_plan.periods.get(kind="year")
    report = Report.objects.create(agency=commune, period=period, status="submitted", submitted_at=at(period.due_date),
                                   first_submitted_at=at(period.due_date))  # fmt: skip
    client.force_login(commune_reporter)
    assert 'name="so"' in client.get(reverse("report_detail", args=[report.pk])).text
    response = client.get(reverse("report_pdf", args=[report.pk]), {"so": "12/BC-UBND"})
    text = " ".join(pdf_text(response.content, tmp_path).split())
    assert "Số: 12/BC-UBND" in text
    assert dak_nong_plan.document_number == "46/QĐ-UBND" and dak_nong_plan.document_kind == "Quyết định"
    assert "Thực hiện Quyết định số 46/QĐ-UBND" in text and "Kết quả thực hiện Quyết định số 46/QĐ-UBND" in text
    assert "Kế hoạch số 46/QĐ-UBND" not in text


@pytest.mark.parametrize("typed", ["<b>12</b>", "1" * 31, "12/BC-UBND\nLưu"])
def test_a_number_that_is_not_one_is_refused_with_a_message(client, lead_reporter, an_giang_plan, typed):
    health = Agency.objects.get(province=an_giang_plan.province, name="Sở Y tế")
    period = an_giang_plan.periods.get(kind="year")
    report = Report.objects.create(agency=health, period=period, status="submitted", submitted_at=at(period.due_date),
                                   first_submitted_at=at(period.due_date))  # fmt: skip
    client.force_login(lead_reporter)
    response = client.get(reverse("report_pdf", args=[report.pk]), {"so": typed}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("report_detail", args=[report.pk])
    assert "Số, ký hiệu" in response.text and response["Content-Type"].startswith("text/html")


def test_a_plans_number_says_what_it_was_issued_as(an_giang_plan, dak_nong_plan):
    assert (an_giang_plan.document_kind, dak_nong_plan.document_kind) == ("Kế hoạch", "Quyết định")
