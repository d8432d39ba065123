"""The reporting PDFs: the department's compiled period report, and an agency's own report
to sign and send. Layout in templates/pdf/base.html, shared helpers in papi_tracker/pdf.py."""

from django.utils import timezone

from papi_tracker.pdf import blank_date_line, render_pdf, vietnamese_date
from plans.models import AgencyKind


def superior_of(province):
    return province.committee.upper()


def heading_for(report, form_heading):
    """The compiled report's heading: the issuing body as Decree 30 writes it, the number,
    the place and date line, the signer and recipients the coordinator typed."""
    province = report.plan.province
    coordinator = province.agencies.filter(is_coordinator=True).first()
    issuer_name = coordinator.name if coordinator else "Sở Nội vụ"
    return {
        **form_heading,
        "superior": superior_of(province),
        "issuer": issuer_name.upper(),
        "issuer_name": issuer_name,
        "place": province.name,
        "date_line": vietnamese_date(form_heading["issue_date"]),
    }


def compiled_pdf(report, form_heading, chart=None):
    return render_pdf(
        "reporting/compiled_report_pdf.html", {"report": report, "heading": heading_for(report, form_heading), "chart": chart}
    )


def agency_report_pdf(sheet, number=""):
    """An agency's report for a period, laid out to print, sign, stamp and send: the number as
    the clerk typed it, or left blank with the date to be written by hand."""
    agency, period, report = sheet.agency, sheet.period, sheet.report
    province = period.plan.province
    local_committee = agency.kind in (AgencyKind.DISTRICT_COMMITTEE, AgencyKind.COMMUNE_COMMITTEE)
    sent = report.first_submitted_at if report else None
    heading = {
        "superior": "" if local_committee else superior_of(province),
        "issuer": agency.name.upper(),
        "number": number or "        /BC-",
        "place": province.name,
        "date_line": vietnamese_date(timezone.localtime(sent).date()) if sent else blank_date_line(period.plan.year),
        "summary": f"Kết quả thực hiện {period.plan.document_kind} số {period.plan.document_number} kỳ {period.label}",
        "recipient_lines": ["Sở Nội vụ (để tổng hợp);", "Lưu: VT."],
        "signer_lines": ["THỦ TRƯỞNG CƠ QUAN"],
        "signer_name": "",
    }
    return render_pdf("reporting/agency_report_pdf.html", {"sheet": sheet, "report": report, "heading": heading})
