"""The compiled report as an official PDF (WeasyPrint), with the shipped Liberation Serif
embedded so the document looks the same on any server."""

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation

from .compiled import vietnamese_date

FONT_FILES = {
    "regular": "fonts/LiberationSerif-Regular.ttf",
    "bold": "fonts/LiberationSerif-Bold.ttf",
    "italic": "fonts/LiberationSerif-Italic.ttf",
    "bold_italic": "fonts/LiberationSerif-BoldItalic.ttf",
}


def font_urls():
    urls = {}
    for name, path in FONT_FILES.items():
        found = finders.find(path)
        if not found:
            raise FileNotFoundError(path)
        urls[name] = "file://" + found
    return urls


def heading_for(report, form_heading):
    """The document's heading: the issuing body as Decree 30 writes it, the number, the
    place and date line, the signer and recipients the coordinator typed."""
    province = report.plan.province
    coordinator = province.agencies.filter(is_coordinator=True).first()
    issuer_name = coordinator.name if coordinator else "Sở Nội vụ"
    return {
        **form_heading,
        "superior": f"UBND {province.get_kind_display()} {province.name}".upper(),
        "issuer": issuer_name.upper(),
        "issuer_name": issuer_name,
        "place": province.name,
        "date_line": vietnamese_date(form_heading["issue_date"]),
    }


def compiled_pdf(report, form_heading, chart=None):
    """The PDF's bytes. Always in Vietnamese: it is an official document of the province."""
    from weasyprint import HTML  # heavy: imported when a PDF is made

    with translation.override("vi"):
        html = render_to_string(
            "reporting/compiled_report_pdf.html",
            {"report": report, "heading": heading_for(report, form_heading), "fonts": font_urls(), "chart": chart},
        )
        return HTML(string=html).write_pdf()
