"""Uploaded .xlsx files sized up before any cell is read.

An .xlsx is a zip of XML: 140 kB can unpack to 50 MB and a million rows, which openpyxl would
build cell by cell for half a minute before any row check could refuse it. The zip's own
directory says how large each part unpacks to, and each worksheet's <dimension> element (in
the first few hundred bytes of its XML) how many rows it claims. Both are read here, without
reading a cell; readers still stop at their row limit, since <dimension> is optional and a
file may understate it.
"""

import io
import re
import zipfile
from xml.etree.ElementTree import ParseError, XMLPullParser

from django.utils.translation import gettext as _

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
            if sum(entry.file_size for entry in entries) > max_unpacked:
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
