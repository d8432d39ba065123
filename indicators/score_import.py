"""Importing a year's published scores from CSV or Excel, all or nothing.

Two layouts are read:
- long: one row per province and dimension or sub-dimension, with columns
  province, year, dimension, sub_dimension (optional), value;
- wide: one row per province with a column per dimension (1–8 or D1–D8) and optionally a
  year column; the year can also be given for the whole file.

A province is found by its code or by its name as it was that year (former names kept).
Every row is checked (unknown province or dimension, a dimension not in that year's
framework, a value off its scale, the same score twice) before anything is saved.
"""

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from papi_tracker import signed_preview
from papi_tracker.spreadsheets import SpreadsheetError
from papi_tracker.spreadsheets import read_table as read_spreadsheet

from .models import Dimension, Province, Score, SubDimension
from .standings import recompute_standings, recompute_totals

MAX_ROWS = 20000
MAX_COLUMNS = 60
# Longer than any province name, code or score: a longer cell is an error on its row, not read further.
MAX_CELL_CHARS = 100
# A score: up to 2 digits, a decimal comma or point and decimals (PAPI publishes 4; a computed
# Excel cell has more, rounded to 4 on reading). Decimal() alone would also take "NaN", "sNaN",
# "1e999" and 200 kB of digits.
SCORE_VALUE = re.compile(r"[0-9]{1,2}(?:[.,][0-9]{1,15})?")
SCORE_PLACES = Decimal("0.0001")
YEAR_VALUE = re.compile(r"[0-9]{4}")  # ASCII digits only: "²".isdigit() is true
NEW, CHANGED, UNCHANGED = "new", "changed", "unchanged"


class ImportFileError(ValueError):
    """The file cannot be read at all; the message says why."""


@dataclass
class ScoreRow:
    line: int
    province_text: str
    year: int | None
    dimension_text: str
    sub_text: str
    value_text: str
    province_id: int | None = None
    province_name: str = ""
    dimension_id: int | None = None
    sub_dimension_id: int | None = None
    value: Decimal | None = None
    errors: list = field(default_factory=list)
    state: str = ""
    score_id: int | None = None  # the stored score this row changes

    @property
    def key(self):
        return (self.province_id, self.year, self.dimension_id, self.sub_dimension_id)


@dataclass
class ImportPreview:
    rows: list
    years: list

    @property
    def errors(self):
        return [row for row in self.rows if row.errors]

    def count(self, state):
        return sum(1 for row in self.rows if not row.errors and row.state == state)


def read_table(name, content):
    """Rows of cells (strings) from a .csv or .xlsx file, sized before its cells are read."""
    try:
        return read_spreadsheet(name, content, max_rows=MAX_ROWS, max_columns=MAX_COLUMNS)
    except SpreadsheetError as error:
        raise ImportFileError(str(error)) from None


def _header_key(text):
    text = text.strip().lower()
    aliases = {
        "tỉnh": "province", "tỉnh, thành phố": "province", "province": "province", "province_vi": "province", "mã": "province",
        "năm": "year", "year": "year",
        "chỉ số": "dimension", "dimension": "dimension", "chỉ số nội dung": "dimension",
        "chỉ số thành phần": "sub_dimension", "sub_dimension": "sub_dimension", "sub_dimension_code": "sub_dimension",
        "điểm": "value", "value": "value", "score": "value",
    }  # fmt: skip
    if text in aliases:
        return aliases[text]
    match = re.fullmatch(r"d?(\d)", text)
    return f"wide:{match.group(1)}" if match else None


def parse(name, content, year=None):
    """The rows of the file, in the long form, before any check."""
    table = [row for row in read_table(name, content) if any(row)]
    if len(table) < 2:
        raise ImportFileError(_("Tệp không có dòng dữ liệu nào."))
    if len(table) > MAX_ROWS:
        raise ImportFileError(_("Tệp có quá %(max)s dòng.") % {"max": MAX_ROWS})
    header = [_header_key(cell) for cell in table[0]]
    if "province" not in header:
        raise ImportFileError(_("Không thấy cột tỉnh (province / Tỉnh) ở dòng đầu."))
    wide = [(i, key.split(":")[1]) for i, key in enumerate(header) if key and key.startswith("wide:")]
    if not wide and "value" not in header:
        raise ImportFileError(_("Không thấy cột điểm (value / Điểm) hay các cột chỉ số 1–8 ở dòng đầu."))

    def cell(row, key):
        return row[header.index(key)] if key in header and header.index(key) < len(row) else ""

    rows = []
    for line, raw in enumerate(table[1:], start=2):
        raw = [text if len(text) <= MAX_CELL_CHARS else text[:MAX_CELL_CHARS] + "…" for text in raw]
        row_year = cell(raw, "year") or (str(year) if year else "")
        year_value = int(row_year) if YEAR_VALUE.fullmatch(row_year) else None
        if wide:
            for index, number in wide:
                text = raw[index] if index < len(raw) else ""
                if text:
                    rows.append(ScoreRow(line, cell(raw, "province"), year_value, number, "", text))
        else:
            rows.append(
                ScoreRow(
                    line,
                    cell(raw, "province"),
                    year_value,
                    cell(raw, "dimension"),
                    cell(raw, "sub_dimension"),
                    cell(raw, "value"),
                )
            )
    return rows


def check(rows):
    """Resolve and validate every row; mark each new, changed or unchanged. Queries: provinces,
    framework, the existing scores of the years in the file."""
    provinces = list(Province.objects.all())
    by_code = {p.code: p for p in provinces}
    by_name = {}
    for province in provinces:
        by_name.setdefault(province.name.casefold(), []).append(province)
    dimensions = {str(d.number): d for d in Dimension.objects.all()} | {d.code.lower(): d for d in Dimension.objects.all()}
    subs = {s.code.lower(): s for s in SubDimension.objects.select_related("dimension")}
    years = sorted({row.year for row in rows if row.year})
    existing = {
        (s.province_id, s.year, s.dimension_id, s.sub_dimension_id): s
        for s in Score.objects.filter(year__in=years, dimension__isnull=False).only(
            "id", "province_id", "year", "dimension_id", "sub_dimension_id", "value"
        )
    }
    seen = {}
    for row in rows:
        if row.year is None or not 2006 <= row.year <= datetime.date.today().year:
            row.errors.append(_("Năm không hợp lệ."))
            continue
        province = by_code.get(row.province_text.lower()) or _province_by_name(by_name, row.province_text, row.year)
        if province is None:
            row.errors.append(_("Không có tỉnh “%(name)s” trong năm %(year)s.") % {"name": row.province_text, "year": row.year})
        else:
            row.province_id, row.province_name = province.pk, province.name
        dimension = dimensions.get(row.dimension_text.lower().removeprefix("chỉ số ").strip())
        sub = subs.get(row.sub_text.lower()) if row.sub_text else None
        if sub is not None:
            dimension = dimension or sub.dimension
        if dimension is None or (row.sub_text and sub is None):
            row.errors.append(_("Không rõ chỉ số “%(name)s”.") % {"name": row.sub_text or row.dimension_text})
        else:
            row.dimension_id, row.sub_dimension_id = dimension.pk, sub.pk if sub else None
        if SCORE_VALUE.fullmatch(row.value_text):
            row.value = Decimal(row.value_text.replace(",", ".")).quantize(SCORE_PLACES)
        else:
            row.errors.append(_("Điểm “%(value)s” không phải là số.") % {"value": row.value_text})
        if row.errors:
            continue
        try:
            Score(province=province, year=row.year, dimension=dimension, sub_dimension=sub, value=row.value).clean()
        except ValidationError as error:
            row.errors.extend(error.messages)
            continue
        if row.key in seen:
            row.errors.append(_("Trùng với dòng %(line)s.") % {"line": seen[row.key]})
            continue
        seen[row.key] = row.line
        old = existing.get(row.key)
        row.state = NEW if old is None else (UNCHANGED if old.value == row.value else CHANGED)
        row.score_id = old.pk if old else None
    return ImportPreview(rows, years)


def _province_by_name(by_name, name, year):
    """The province of that name in that year (a name such as "An Giang" is two units over time):
    the survey of 2025 onward is of the 34 units of 1/7/2025, as plans of those years are."""
    for province in by_name.get(name.strip().casefold(), []):
        if province.valid_for_plan_year(year):
            return province
    return None


@transaction.atomic
def save(preview):
    """Write every row, or nothing when any row has an error; then totals, ranks and groups of
    the years touched follow. Returns the numbers of new and changed scores."""
    if preview.errors:
        raise ImportFileError(_("Tệp còn dòng lỗi: không lưu gì."))
    new = [r for r in preview.rows if r.state == NEW]
    changed = [r for r in preview.rows if r.state == CHANGED]
    Score.objects.bulk_create(
        Score(
            province_id=r.province_id,
            year=r.year,
            dimension_id=r.dimension_id,
            sub_dimension_id=r.sub_dimension_id,
            value=r.value,
        )
        for r in new
    )
    Score.objects.bulk_update([Score(pk=row.score_id, value=row.value) for row in changed], ["value"], batch_size=1000)
    for year in preview.years:
        recompute_totals(year)
        recompute_standings(year)
    return len(new), len(changed)


# --- the page's steps ---------------------------------------------------------------------

PREVIEW_SALT = "papi.score-import"


@dataclass
class Step:
    """What a step of the import page shows: the preview (None before a file is read), the
    signed rows to confirm (only for a preview without errors), what saving did or why not."""

    preview: ImportPreview | None = None
    payload: str = ""
    saved: tuple | None = None  # (new, changed)
    error: str = ""

    def counts(self):
        if self.preview is None:
            return {}
        return {f"{state}_count": self.preview.count(state) for state in (NEW, CHANGED, UNCHANGED)}


def read_upload(name, content, year):
    """The checked rows of an uploaded file, signed when they can be saved; raises ImportFileError."""
    rows = parse(name, content, year)
    preview = check(rows)
    payload = ""
    if not preview.errors:
        fields = [[r.line, r.province_text, r.year, r.dimension_text, r.sub_text, r.value_text] for r in rows]
        payload = signed_preview.sign(fields, PREVIEW_SALT)
    return Step(preview, payload)


def confirm(payload):
    """Check the signed rows again and save them; raises signed_preview.InvalidPreview."""
    preview = check([ScoreRow(*fields) for fields in signed_preview.load(payload, PREVIEW_SALT)])
    try:
        return Step(preview, saved=save(preview))
    except ImportFileError as error:
        return Step(preview, error=str(error))
