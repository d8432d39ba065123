"""Reading django-simple-history's records back as steps a person recognises: who, when, what
(Tạo, Sửa, Xóa, or a workflow's own name) and which fields changed, old → new. The report's
history names its workflow steps in reporting/history.py; plans, targets, tasks, periods and
reopenings use `object_steps` here."""

from dataclasses import dataclass, field

from django.db import models
from django.utils import formats
from django.utils.text import Truncator
from django.utils.translation import pgettext_lazy

SHOWN_CHARS = 160
KINDS = {
    "+": pgettext_lazy("history step", "Tạo"),
    "~": pgettext_lazy("history step", "Sửa"),
    "-": pgettext_lazy("history step", "Xóa"),
}
# Bookkeeping a person did not type: never listed as a change.
SKIPPED = {"id", "order", "created_at", "updated_at", "created_by", "progress_version", "structure_version", "version"}


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class Step:
    when: object
    who: object  # the user, or None
    name: str
    item: str  # what changed: "Báo cáo", a task's number, a period's label…
    changes: list = field(default_factory=list)
    reason: str = ""


def shown(model, name, value):
    """A field's value as the pages write it: a choice's label, a number with a decimal comma,
    a date dd/mm/yyyy, text cut short."""
    model_field = model._meta.get_field(name)
    if value in (None, ""):
        return "—"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(model_field, (models.DateField,)) and not isinstance(model_field, models.DateTimeField):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, (int, float)) or model_field.get_internal_type() == "DecimalField":
        return formats.number_format(value, use_l10n=True)
    return Truncator(str(value)).chars(SHOWN_CHARS)


def field_changes(model, record, previous, names):
    """Each of `names` whose value differs from the previous record's (all set ones on creation)."""
    changes = []
    for name in names:
        new = getattr(record, name)
        old = getattr(previous, name) if previous is not None else None
        if new != old and not (previous is None and new in (None, "")):
            label = str(model._meta.get_field(name).verbose_name)
            changes.append(Change(label[:1].upper() + label[1:], shown(model, name, old), shown(model, name, new)))
    return changes


def tracked_fields(model):
    """The fields a person sets (no keys to other rows, no bookkeeping): what a change lists."""
    return [f.name for f in model._meta.concrete_fields if f.name not in SKIPPED and not f.is_relation and not f.primary_key]


def object_steps(records, model, item_of):
    """Steps from the history `records` of several objects of `model`, oldest first within each
    object (the caller orders them by object, then date); item_of(record) names the object."""
    names = tracked_fields(model)
    steps, previous = [], {}
    for record in records:
        before = previous.get(record.id)
        previous[record.id] = record
        # A change lists its fields; a creation or deletion is the object's own line (its fields are
        # on its page: listing them all buried the few real changes under an import's creations).
        changes = field_changes(model, record, before, names) if record.history_type == "~" else []
        if record.history_type == "~" and not changes:
            continue  # saved unchanged, or only a key to another row changed
        reason = record.history_change_reason or ""
        steps.append(Step(record.history_date, record.history_user, KINDS[record.history_type], item_of(record), changes, reason))
    return steps
