"""A province's departments and other agencies in bulk, from an Excel or CSV list with the columns
name (tên), short name (tên viết tắt), kind (loại) and e-mail (thư điện tử): a preview of each
row's problems, then all or nothing, as the other imports do. An agency already there by name
(case, diacritics and abbreviations aside) is left as it is and said so; importing the same list
again creates nothing."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from papi_tracker.spreadsheets import SpreadsheetError, read_table

from .models import Agency, AgencyKind, Plan, touch_plans
from .plan_import import normalise

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000
HEADINGS = {
    "name": ("tên", "tên cơ quan", "cơ quan", "name"),
    "short_name": ("tên viết tắt", "viết tắt", "short name", "short_name"),
    "kind": ("loại", "loại cơ quan", "kind"),
    "email": ("thư điện tử", "email", "e-mail"),
}
NAME_MAX = Agency._meta.get_field("name").max_length
SHORT_MAX = Agency._meta.get_field("short_name").max_length
EMAIL_MAX = Agency._meta.get_field("email").max_length


class AgencyImportError(ValueError):
    """The file as a whole cannot be read; the message says why."""


@dataclass
class AgencyRow:
    line: int
    name: str
    short_name: str
    kind_text: str
    email: str
    kind: str = ""
    exists: bool = False
    errors: list = field(default_factory=list)


def read_rows(filename, content):
    """The rows of the list, each with its problems, before anything is saved."""
    if len(content) > MAX_BYTES:
        raise AgencyImportError(_("Tệp lớn hơn 2 MB."))
    table = _table(filename, content)
    header = [normalise(cell) for cell in (table[0] if table else [])]
    columns = {}
    for key, names in HEADINGS.items():
        for index, heading in enumerate(header):
            if heading in {normalise(name) for name in names}:
                columns.setdefault(key, index)
    if "name" not in columns:
        raise AgencyImportError(_("Không thấy cột “Tên cơ quan” ở dòng đầu."))

    def cell(raw, key):
        index = columns.get(key)
        return raw[index].strip() if index is not None and index < len(raw) else ""

    rows = [
        AgencyRow(line, cell(raw, "name"), cell(raw, "short_name"), cell(raw, "kind"), cell(raw, "email"))
        for line, raw in enumerate(table[1:], start=2)
        if any(text.strip() for text in raw)
    ]
    if not rows:
        raise AgencyImportError(_("Tệp không có dòng dữ liệu nào."))
    return rows


def _table(filename, content):
    try:
        return read_table(filename, content, max_rows=MAX_ROWS, max_columns=10)
    except SpreadsheetError as error:
        raise AgencyImportError(str(error)) from None


def check(province, rows):
    """Each row's kind, whether the province has it already, and its problems. One query."""
    kinds = {normalise(label): value for value, label in AgencyKind.choices} | {normalise(v): v for v in AgencyKind.values}
    present = {normalise(name) for name in Agency.objects.filter(province=province).values_list("name", flat=True)}
    seen = {}
    for row in rows:
        if not row.name:
            row.errors.append(_("Thiếu tên cơ quan."))
        elif len(row.name) > NAME_MAX:
            row.errors.append(_("Tên cơ quan dài quá %(max)s ký tự.") % {"max": NAME_MAX})
        if len(row.short_name) > SHORT_MAX:
            row.errors.append(_("Tên viết tắt dài quá %(max)s ký tự.") % {"max": SHORT_MAX})
        row.kind = kinds.get(normalise(row.kind_text), "") if row.kind_text else AgencyKind.DEPARTMENT
        if not row.kind:
            row.errors.append(_("Không rõ loại cơ quan “%(kind)s”.") % {"kind": row.kind_text[:60]})
        elif row.kind == AgencyKind.DISTRICT_COMMITTEE and province.valid_from is not None:
            row.errors.append(_("Từ 01/07/2025 không còn cấp huyện: hãy nhập UBND cấp xã từ danh mục xã, phường."))
        if row.email:
            try:
                validate_email(row.email)
                if len(row.email) > EMAIL_MAX:  # validate_email takes 320; the column holds 254
                    raise ValidationError("too long")
            except ValidationError:
                row.errors.append(_("Thư điện tử “%(email)s” không hợp lệ.") % {"email": row.email[:100]})
        key = normalise(row.name)
        if key and key in seen:
            row.errors.append(_("Trùng với dòng %(line)s.") % {"line": seen[key]})
        seen.setdefault(key, row.line)
        row.exists = key in present
    return rows


@transaction.atomic
def save(province, rows):
    """Create the new agencies, all or nothing; returns how many were created."""
    if any(row.errors for row in rows):
        raise AgencyImportError(_("Tệp còn dòng lỗi: không lưu gì."))
    # Read again under a lock of the province's row: a double click saves the list once.
    type(province).objects.select_for_update(of=("self",)).only("pk").get(pk=province.pk)
    present = {normalise(name) for name in Agency.objects.filter(province=province).values_list("name", flat=True)}
    new = [row for row in rows if normalise(row.name) not in present]
    Agency.objects.bulk_create(
        Agency(province=province, name=row.name, short_name=row.short_name, kind=row.kind, email=row.email) for row in new
    )
    touch_plans(Plan.objects.filter(province=province).values("pk"))  # groups by kind gain members
    return len(new)
