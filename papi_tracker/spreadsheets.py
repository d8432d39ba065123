"""Uploaded .xlsx files sized up before any cell is read.

An .xlsx is a zip of XML: 140 kB can unpack to 50 MB and a million rows, which openpyxl would
build cell by cell for half a minute before any row check could refuse it. The zip's own
directory says how large each part unpacks to, and each worksheet's <dimension> element (in
the first few hundred bytes of its XML) how many rows it claims. Both are read here, without
reading a cell; readers still stop at their row limit, since <dimension> is optional and a
file may understate it.
"""

import csv
import io
import itertools
import re
import zipfile
from xml.etree.ElementTree import ParseError, XMLPullParser

from django.utils.translation import gettext as _
from openpyxl import load_workbook

MAX_UNPACKED_BYTES = 20 * 1024 * 1024
MAX_PARTS = 2000  # an office file has a few dozen parts; a zip of thousands is not a workbook
WORKSHEET = re.compile(r"xl/worksheets/[^/]+\.xml")
DIMENSION_ROWS = re.compile(r"[A-Z]{1,3}(\d{1,9})$")


class SpreadsheetError(ValueError):
    """The file is not a workbook we will read; the message says why, in the user's language."""


def check_xlsx(content, *, max_rows, max_unpacked=MAX_UNPACKED_BYTES):
    """Refuse an .xlsx that is not a zip, unpacks to more than max_unpacked bytes, or whose
    worksheets claim more than max_rows rows. Reads only the directory and each sheet's head."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_PARTS:
                raise SpreadsheetError(_("Tệp không phải là tệp Excel (.xlsx) đọc được."))
            if unpacked_bytes(archive) > max_unpacked:
                raise SpreadsheetError(
                    _("Tệp giải nén ra quá lớn (hơn %(size)s MB dữ liệu): hãy chỉ giữ trang cần nhập.")
                    % {"size": max_unpacked // (1024 * 1024)}
                )
            for entry in entries:
                if WORKSHEET.fullmatch(entry.filename):
                    rows = _claimed_rows(archive, entry)
                    if rows is not None and rows > max_rows:
                        raise SpreadsheetError(_("Tệp có hơn %(count)s dòng.") % {"count": max_rows})
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, NotImplementedError) as error:
        if isinstance(error, SpreadsheetError):
            raise
        raise SpreadsheetError(_("Tệp không phải là tệp Excel (.xlsx) đọc được.")) from None


def unpacked_bytes(archive):
    """What a zip says its parts unpack to, from its directory alone (office files: .xlsx, .docx)."""
    return sum(entry.file_size for entry in archive.infolist())


def _claimed_rows(archive, entry):
    """The last row of the sheet's <dimension ref="A1:H50">, or None when the sheet does not say.
    Stops at the first <dimension> or <sheetData>, so a huge sheet costs a few bytes."""
    parser = XMLPullParser(events=("start",))
    with archive.open(entry) as stream:
        while chunk := stream.read(4096):
            try:
                parser.feed(chunk)
                for _event, element in parser.read_events():
                    tag = element.tag.rsplit("}", 1)[-1]
                    if tag == "dimension":
                        match = DIMENSION_ROWS.search(element.get("ref", ""))
                        return int(match.group(1)) if match else None
                    if tag == "sheetData":
                        return None
            except ParseError:
                return None  # openpyxl will say the file is broken
    return None


def read_table(filename, content, *, max_rows, max_columns=60, csv_allowed=True):
    """The first sheet of an .xlsx (or a UTF-8 .csv) as rows of stripped strings, the heading
    row first; at most max_rows + 1 rows are read (blank rows are skipped but counted up to twice
    that, so a sheet of a million blank rows stops early). SpreadsheetError says why a file as a
    whole cannot be read, in the user's language. Every import (scores, agencies, accounts)
    reads through here."""
    scan = 2 * (max_rows + 1)
    name = filename.lower()
    if name.endswith(".xlsx"):
        check_xlsx(content, max_rows=max_rows + 1)
        try:
            book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
            try:
                rows = itertools.islice(book.worksheets[0].iter_rows(values_only=True), scan + 1)
                table = [[_cell_text(value) for value in row[:max_columns]] for row in rows]
            finally:
                book.close()
        except Exception as error:  # openpyxl raises many kinds for a damaged file
            raise SpreadsheetError(_("Tệp không phải là tệp Excel (.xlsx) đọc được.")) from error
    elif name.endswith(".csv") and csv_allowed:
        try:
            rows = itertools.islice(csv.reader(io.StringIO(content.decode("utf-8-sig"))), scan + 1)
            table = [[cell.strip() for cell in row[:max_columns]] for row in rows]
        except UnicodeDecodeError as error:
            raise SpreadsheetError(_("Tệp CSV phải được lưu với bảng mã UTF-8.")) from error
        except csv.Error as error:  # e.g. a cell over the csv module's 128 kB field limit
            raise SpreadsheetError(_("Tệp CSV có ô quá dài hoặc sai định dạng.")) from error
    else:
        raise SpreadsheetError(
            _("Chỉ nhận tệp .xlsx hoặc .csv.") if csv_allowed else _("Tệp không phải là tệp Excel (.xlsx) đọc được.")
        )
    if len(table) > scan or sum(1 for row in table[1:] if any(row)) > max_rows:
        raise SpreadsheetError(_("Tệp có quá %(max)s dòng.") % {"max": max_rows})
    return table


def _cell_text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a year typed as a number: 2024.0 reads 2024
    return str(value).strip()
