"""Load a plan transcribed in fixtures/seed_plans/ (format: SCHEMA.md there).

Loading the same file twice changes nothing: rows are matched by their natural keys
(province + name, plan + document number, plan + task number) and written only when
they differ.
"""

import datetime
import json
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction

from indicators.models import Dimension, Province, Score, SubDimension
from papi_tracker.sync import sync_object

from .models import Agency, AgencyGroup, Plan, Target, Task, TaskAssignment, touch_plans

SEED_DIR = settings.BASE_DIR / "fixtures" / "seed_plans"


class SeedError(ValueError):
    pass


def _date(value):
    return datetime.date.fromisoformat(value) if value else None


def _decimal(value):
    return Decimal(str(value)) if value is not None else None


def province_in_year(name, year):
    try:
        return Province.objects.valid_on(datetime.date(year, 1, 1)).get(name=name)
    except Province.DoesNotExist:
        raise SeedError(f"No province named {name!r} existed in {year}.") from None


@transaction.atomic
def load_plan(path):
    """Load one seed file; returns the plan and the due date it sets for the year's report (or None)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    province = province_in_year(data["province"], data["year"])

    agencies = {}
    for entry in data["agencies"]:
        agencies[entry["name"]] = sync_object(
            Agency,
            {"province": province, "name": entry["name"]},
            {
                "short_name": entry.get("short_name", ""),
                "kind": entry["kind"],
                "is_coordinator": bool(entry.get("coordinator")),
                "aliases": entry.get("aliases", []),
            },
        )
    groups = {}
    for entry in data["groups"]:
        group = sync_object(
            AgencyGroup,
            {"province": province, "name": entry["name"]},
            {"member_kind": entry.get("member_kind") or "", "aliases": entry.get("aliases", [])},
        )
        wanted = {agencies[name].pk for name in entry.get("members") or []}
        if set(group.members.values_list("pk", flat=True)) != wanted:
            group.members.set(wanted)
        groups[entry["name"]] = group

    plan = sync_object(
        Plan,
        {"province": province, "document_number": data["document_number"]},
        {
            "year": data["year"],
            "title": data["title"],
            "issue_date": _date(data.get("issue_date")),
            "issuer": data.get("issuer", ""),
            "signer": data.get("signer", ""),
            "signer_title": data.get("signer_title", ""),
            "baseline_year": data["baseline_year"],
            "goal": data.get("goal", ""),
            "rank_goal": data.get("rank_goal"),
            "group_goal": data.get("group_goal"),
            "status": Plan.Status.ACTIVE,
        },
    )
    _load_targets(plan, data["targets"])
    _load_tasks(plan, data["tasks"], agencies, groups)
    return plan, _date(data.get("report_due_date"))


def _load_targets(plan, entries):
    dimensions = {d.number: d for d in Dimension.objects.for_year(plan.year)}
    baselines = dict(
        Score.objects.filter(
            province=plan.province, year=plan.baseline_year, dimension__isnull=False, sub_dimension__isnull=True
        ).values_list("dimension__number", "value")
    )
    for entry in entries:
        number = entry["dimension"]
        sync_object(
            Target,
            {"plan": plan, "dimension": dimensions[number]},
            {
                # The baseline is the published score of the baseline year, not the plan's rounding of it.
                "baseline_score": baselines.get(number),
                "target_score": _decimal(entry.get("target_score")),
                "target_group": entry.get("target_group"),
            },
        )


def _load_tasks(plan, entries, agencies, groups):
    dimensions = {d.number: d for d in Dimension.objects.all()}
    sub_dimensions = {s.code: s for s in SubDimension.objects.all()}
    for order, entry in enumerate(entries, start=1):
        task = sync_object(
            Task,
            {"plan": plan, "number": entry["number"]},
            {
                "order": order,
                "dimension": dimensions.get(entry["dimension"]),
                "sub_dimension": sub_dimensions.get(entry.get("sub_dimension") or ""),
                "title": entry["title"],
                "measure": entry.get("measure", ""),
                "measure_value": _decimal(entry.get("measure_value")),
                "measure_unit": entry.get("measure_unit", ""),
                "measure_comparator": "gt" if entry.get("measure_comparator") == ">" else "gte",
                "supervisor": entry.get("supervisor", ""),
                "timeframe_kind": entry["timeframe_kind"],
                "timeframe_text": entry.get("timeframe_text", ""),
                "due_date": _date(entry.get("due_date")),
                "expected_output": entry.get("expected_output", ""),
            },
        )
        wanted = _assignments(entry, agencies, groups)  # {(role, agency id, group id): from the block's header}
        existing = {(a.role, a.agency_id, a.group_id): a for a in task.assignments.all()}
        for key in existing.keys() - wanted.keys():
            existing[key].delete()
        for key in existing.keys() & wanted.keys():
            sync_object(TaskAssignment, {"pk": existing[key].pk}, {"from_block": wanted[key]})
        TaskAssignment.objects.bulk_create(
            TaskAssignment(task=task, role=key[0], agency_id=key[1], group_id=key[2], from_block=wanted[key])
            for key in wanted.keys() - existing.keys()
        )
        touch_plans([task.plan_id])  # bulk inserts send no signals


def _assignments(entry, agencies, groups):
    """{(role, agency id, group id): from_block} of a task entry: "lead" and "coordinating" name
    those on the task's own line, "block_lead" and "block_coordinating" those its block's header names."""
    wanted = {}
    for key, role, from_block in (
        ("lead", TaskAssignment.Role.LEAD, False),
        ("coordinating", TaskAssignment.Role.COORDINATING, False),
        ("block_lead", TaskAssignment.Role.LEAD, True),
        ("block_coordinating", TaskAssignment.Role.COORDINATING, True),
    ):
        for name in entry.get(key, []):
            if name in agencies:
                wanted.setdefault((role, agencies[name].pk, None), from_block)
            elif name in groups:
                wanted.setdefault((role, None, groups[name].pk), from_block)
            else:
                raise SeedError(f"Task {entry['number']}: {name!r} is neither an agency nor a group of the plan.")
    return wanted


def seed_files():
    return sorted(SEED_DIR.glob("*.json"))
