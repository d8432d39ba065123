"""Plans into the app from the documents they are issued as: the steps of the import page and
of `manage.py import_plan` around the reader (plans/plan_document.py). The rows go through the
Excel import's checks, mapping and saving (plans/plan_import.py); what a document adds is
here: the plan's own data and targets as written, the headings that name no dimension, and one
description of the preview (`describe`) that the page shows and the command prints as JSON."""

import datetime
from dataclasses import asdict, dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from indicators.models import Dimension, SubDimension
from papi_tracker import signed_preview
from papi_tracker.limits import LAST_PLAN_YEAR

from . import plan_document
from .models import MOST_PROVINCES_RANKED, Agency, AgencyGroup, Plan, Target, Task, plan_date_errors
from .plan_import import (
    HEADINGS,
    LIMITS,
    Framework,
    PlanImportError,
    check_bounds,
    check_existing,
    check_size,
    from_payload,
    named,
    pieces,
    read_number,
)

DOCUMENT_SALT = "papi.plan-document-import"


@dataclass
class DocumentPreview:
    """What a document says besides its tasks, carried with the rows between the page's steps:
    the plan's data and targets as written, and the headings that name no dimension (the
    coordinator maps each, or the document's tasks below it cannot be saved)."""

    data: dict
    targets: list
    headings: list  # [{"text", "where"}]


def read_document(plan, upload=None, text=""):
    """(rows, DocumentPreview, signed payload) of an uploaded .docx or PDF, or pasted text;
    raises PlanImportError with the reader's message."""
    try:
        blocks = plan_document.read_upload(upload) if upload is not None else plan_document.blocks_from_text(text)
    except plan_document.DocumentError as error:
        raise PlanImportError(str(error)) from None
    rows, preview = document_preview(plan, blocks)
    payload = {"plan": plan.pk, "rows": [asdict(row) for row in rows], "document": asdict(preview)}
    return rows, preview, signed_preview.sign(payload, DOCUMENT_SALT)


def document_preview(plan, blocks):
    """(rows, DocumentPreview) of a document's blocks for the plan: each row checked as the
    Excel import checks its rows (lengths, numbers the plan has, the plan's size)."""
    try:
        document = plan_document.parse_document(blocks, Framework.of(plan.year), plan.year)
    except plan_document.DocumentError as error:
        raise PlanImportError(str(error)) from None
    rows = check_existing(document.rows, plan)
    for row in rows:
        check_values(plan, row)
    check_size(plan, rows)
    data = {key: value.isoformat() if isinstance(value, datetime.date) else value for key, value in asdict(document.data).items()}
    return rows, DocumentPreview(data, [asdict(t) for t in document.targets], [asdict(h) for h in document.unrecognised])


def check_values(plan, row):
    """The Excel import's checks of a row's values, so both importers keep one set of rules: a
    text longer than its column, a measure value that is no number or too large, a due date
    outside the plan's years, a percentage over 100: each the row's error, never a crash at saving."""
    if not row.values:
        return
    for key, limit in LIMITS.items():
        if len(row.values.get(key) or "") > limit:
            row.errors.append(
                _("“%(column)s” dài %(length)s ký tự, tối đa %(max)s.")
                % {"column": HEADINGS[key], "length": len(row.values[key]), "max": limit}
            )
    row.values["measure_value"] = read_number(row.values.get("measure_value"), HEADINGS["measure_value"], row.errors)
    row.values.setdefault("due_date", None)
    row.values.setdefault("measure_unit", "")
    if not row.errors:
        check_bounds(plan, row, HEADINGS)


def load_document_preview(plan, payload):
    """(rows, DocumentPreview) of a signed document preview made for this plan; raises
    signed_preview.InvalidPreview."""
    data = signed_preview.load(payload, DOCUMENT_SALT)
    rows = from_payload(plan, data)
    if rows is None or not isinstance(data.get("document"), dict):
        raise signed_preview.InvalidPreview
    return rows, DocumentPreview(**data["document"])


def apply_sections(rows, headings, sections):
    """Put the tasks under each heading the document names no dimension by (`headings`) in the
    dimension the coordinator chose ({heading: dimension id, or 0 for the general tasks});
    returns the headings with tasks still to map."""
    unknown = {heading["text"] for heading in headings}
    waiting = []
    for row in rows:
        if not row.values or row.section not in unknown:
            continue
        choice = sections.get(row.section)
        if choice is None:
            if row.section not in waiting:
                waiting.append(row.section)
        else:
            row.dimension_id = choice or None
    return waiting


MAX_PLAN_SPAN = 10  # years a programme runs at most (2021–2030)
DOCUMENT_FIELDS = ("issue_date", "issuer", "signer", "signer_title", "goal")


def apply_document(plan, document):
    """What the document says of the plan, where the plan has nothing yet: its empty fields,
    its last year (a programme 2021–2025), and a target for each dimension without one. What
    the coordinator typed is never overwritten."""
    data, changed = document.data, []
    for name in DOCUMENT_FIELDS:
        value = data.get(name)
        if value and not getattr(plan, name):
            value = datetime.date.fromisoformat(value) if name == "issue_date" else str(value)
            limit = Plan._meta.get_field(name).max_length
            setattr(plan, name, value[:limit] if isinstance(value, str) and limit else value)
            changed.append(name)
    years = data.get("years") or ()
    last = years[1] if len(years) == 2 and isinstance(years[1], int) else None
    # A programme runs a few years: "2020-9999" is a slip, not a plan's end.
    if (
        last
        and years[0] == plan.year
        and plan.year < last <= min(plan.year + MAX_PLAN_SPAN, LAST_PLAN_YEAR)
        and plan.end_year is None
    ):
        plan.end_year, changed = last, [*changed, "end_year"]
    if "issue_date" in changed and plan_date_errors(plan, issue_date=plan.issue_date):
        plan.issue_date, changed = None, [name for name in changed if name != "issue_date"]
    if changed:
        plan.save(update_fields=changed)
    _add_targets(plan, document.targets)


def _add_targets(plan, written):
    """A Target per dimension and year the document aims at ("Năm 2027: … 5,0 điểm" in a
    programme) and the plan has no target for yet; a year outside the plan's is not one of it."""
    dimensions = {d.number: d for d in Dimension.objects.for_year(plan.year)}
    have = {
        (dimension_id, None if year == plan.year else year)
        for dimension_id, year in Target.objects.filter(plan=plan, sub_dimension__isnull=True).values_list("dimension_id", "year")
    }
    aims = {}
    for item in written:
        dimension, year = dimensions.get(item.get("dimension_number")), _target_year(plan, item.get("year"))
        if dimension is None or item.get("sub_dimension_code") or year is False or (dimension.pk, year) in have:
            continue
        target = aims.setdefault((dimension.pk, year), Target(plan=plan, dimension=dimension, year=year))
        _aim(target, item)
    made = [t for t in aims.values() if t.target_score or t.target_group or t.target_rank or t.rank_rise]
    bulk_create_with_history(made, Target, default_change_reason="Nhập từ văn bản kế hoạch")


def _target_year(plan, year):
    """A written target's year as stored: None for the plan's first year (or none written),
    False for a year the plan does not run."""
    if not isinstance(year, int) or year == plan.year:
        return None
    return year if plan.year < year <= plan.last_year else False


def _aim(target, item):
    """One written aim onto the target: "đạt 5,40 điểm", "trên 5,40", "nhóm … trở lên", "tốp 20",
    "tăng ít nhất 01 bậc"; the words kept in `text`."""
    kind, comparator, value = item.get("kind"), item.get("comparator"), str(item.get("value") or "")
    try:
        if kind == "score":
            score = Decimal(value.replace(",", "."))
            if Decimal(1) <= score <= Decimal(10):
                target.target_score = score.quantize(Decimal("0.01"))
                target.comparator = Target.Comparator.ABOVE if comparator == ">" else Target.Comparator.AT_LEAST
        elif kind == "group" and value.isdigit() and 1 <= int(value) <= 4:
            target.target_group = int(value)
        elif kind == "rank" and value.isdigit() and 1 <= int(value) <= MOST_PROVINCES_RANKED:
            if comparator == "up":
                target.rank_rise = min(int(value), MOST_PROVINCES_RANKED - 1)
            else:
                target.target_rank = int(value)
    except InvalidOperation:
        return
    target.text = "; ".join(part for part in (target.text, item.get("text", "")) if part)[
        : Target._meta.get_field("text").max_length
    ]


def describe(plan, rows, preview, names):
    """The preview as data: the plan's data and targets as the document writes them, each task
    with its dimension, its agencies as written and as matched ("not stated" when none), its
    measure, its timeframe as written and as read, and where it was found. The page shows it;
    `manage.py import_plan --json` prints it."""
    shown = _names_by_key(plan.province_id)
    codes = dict(Dimension.objects.values_list("pk", "code"))
    sub_codes = dict(SubDimension.objects.values_list("pk", "code"))
    tasks, problems = [], []
    for row in rows:
        if not row.values:
            problems.append({"where": row.where or row.line, "errors": list(row.errors)})
            continue
        tasks.append(_describe_row(plan, row, codes, sub_codes, names, shown))
    return {
        "plan": preview.data,
        "targets": preview.targets,
        "unrecognised_headings": preview.headings,
        "tasks": tasks,
        "problems": problems,
    }


def _describe_row(plan, row, codes, sub_codes, names, shown):
    values = row.values
    (_lead, leads, leads_from_block), (_coordinating, coordinating, coordinating_from_block) = named(row)
    kind = values.get("timeframe_kind") or ("deadline" if values.get("due_date") else "")
    written = values.get("timeframe_text", "")
    return {
        "number": values.get("number", ""),
        "title": values.get("title", ""),
        "dimension": codes.get(row.dimension_id),
        "sub_dimension": sub_codes.get(values.get("sub_dimension_id")),
        "section": row.section,
        "leads": _assignees(leads, leads_from_block, names, shown),
        "lead_stated": bool(leads),
        "coordinating": _assignees(coordinating, coordinating_from_block, names, shown),
        "coordinating_stated": bool(coordinating),
        "measure": values.get("measure", ""),
        "measure_value": values.get("measure_value"),
        "measure_unit": values.get("measure_unit", ""),
        "measure_comparator": row.measure_comparator,
        "expected_output": values.get("expected_output", ""),
        "supervisor": values.get("supervisor", ""),
        "timeframe": {
            "written": written,
            "read": kind or (Task.TimeframeKind.UNSTATED if not written else ""),
            "due_date": values.get("due_date"),
            # Not stated: the plan's end applies, shown as implied, not as the task's own deadline.
            "implied_end": f"{plan.last_year}-12-31" if not written and not values.get("due_date") else None,
        },
        "where": row.where,
        "errors": list(row.errors),
    }


def _assignees(written, from_block, names, shown):
    """Each name as written, and what it matched in the province (None: still to map)."""
    found = []
    for name in written:
        for text, key in pieces(name, names):
            found.append({"written": text, "matched": shown.get(key), "from_block": from_block})
    return found


def _names_by_key(province_id):
    """{"agency:<id>" | "group:<id>": name} of the province: two queries."""
    shown = {f"agency:{pk}": name for pk, name in Agency.objects.filter(province_id=province_id).values_list("pk", "name")}
    shown |= {f"group:{pk}": name for pk, name in AgencyGroup.objects.filter(province_id=province_id).values_list("pk", "name")}
    return shown
