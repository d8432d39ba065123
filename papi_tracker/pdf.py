"""What every official PDF shares: the shipped Liberation Serif (metric-compatible with Times
New Roman, covering Vietnamese) embedded by WeasyPrint, Vietnamese text, and the date line
of Decree 30/2020/NĐ-CP. The layout is templates/pdf/base.html."""

import datetime
import re

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation

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


def vietnamese_date(day: datetime.date):
    """The date line of an official document: a leading zero for days 1–9 and months 1–2
    (Decree 30/2020/NĐ-CP), e.g. "ngày 05 tháng 3 năm 2021", "ngày 10 tháng 01 năm 2020"."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def blank_date_line(year):
    """For a document to be dated by hand when signed."""
    return f"ngày      tháng      năm {year}"


# A number keeps its unit on the line, in what the templates write and in what agencies typed:
# "22 %", "9 tháng", "Quý 3", "58 nhiệm vụ" never split at the space. Only text between tags is
# touched (the style sheet writes "7%" without a space).
TOGETHER = re.compile(r"(?<=\d) (?=%|tháng\b|năm\b|ngày\b|điểm\b|nhiệm vụ\b)|(?<=\bQuý) (?=\d)|(?<=\btháng) (?=\d)")
TEXT = re.compile(r">([^<]+)<")


def keep_units_together(html):
    return TEXT.sub(lambda m: ">" + TOGETHER.sub("\u00a0", m.group(1)) + "<", html)


def render_pdf(template, context):
    """The PDF's bytes. Always in Vietnamese: these are official documents of the province."""
    from weasyprint import HTML  # heavy: imported when a PDF is made

    with translation.override("vi"):
        html = render_to_string(template, {**context, "fonts": font_urls()})
        return HTML(string=keep_units_together(html)).write_pdf()
