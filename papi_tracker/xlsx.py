"""What every Excel file the app writes shares (openpyxl): Times New Roman, boxed cells, a
styled header, A4 landscape printing, and text that never turns into a formula."""

import io

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

FONT = "Times New Roman"
THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
SECTION_FILL = PatternFill("solid", fgColor="F2F2F2")
WRAP = Alignment(wrap_text=True, vertical="top")
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)


def text(value):
    """A cell value that Excel shows as typed: a string stays a string, even "=1+1"."""
    return "" if value is None else str(value)


def put(sheet, row, column, value, *, bold=False, italic=False, size=12, align=WRAP, fill=None, border=True, number_format=None):
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)  # control characters typed or pasted: Excel refuses them
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl would store "=…" as a formula; a report's text never is one
    cell.font = Font(name=FONT, size=size, bold=bold, italic=italic)
    cell.alignment = align
    if border:
        cell.border = BOX
    if fill:
        cell.fill = fill
    if number_format:
        cell.number_format = number_format
    return cell


def title(sheet, row, last_column, value, *, size=14, bold=True, italic=False):
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last_column)
    put(sheet, row, 1, value, bold=bold, italic=italic, size=size, align=CENTRE, border=False)


def landscape(sheet, header_row):
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_margins.left = sheet.page_margins.right = 0.5
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)


def workbook_bytes(book):
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
