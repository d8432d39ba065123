"""A plan's history: the plan, its targets and its tasks, step by step, newest first (who, when,
what changed field by field), for its page. Three queries whatever the plan's size.

The plan page's `?ngay=` (plans/amendments.py) also rebuilds the tasks and targets as they stood
at the end of a day from these records (`standing_on`), with simple-history's `as_of`. Records are
only complete from the day they begin (`records_start`): a plan entered with history on has a
creation record ("+") and so does each task and target added since; a plan, task or target loaded
or imported before history existed (December 2026) has none, and its first record is the change
("~") or deletion ("-") of its first save after that. So the records begin at the latest of the
plan's earliest record and the first records of its tasks and targets that are not creations:
from then on every object without a record stood as it stands today, and the others as their
latest record by then says."""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, Max, Min, OuterRef, Prefetch, Q, prefetch_related_objects
from django.utils import timezone

from indicators.models import Dimension, SubDimension
from papi_tracker.history import object_steps

from .models import Plan, Target, Task, TaskAssignment

SHOWN_STEPS = 50  # the page shows the latest; older ones stay in the admin's history


def plan_history(plan, limit=SHOWN_STEPS):
    def records(model, *related, **where):
        found = model.history.filter(**where).select_related("history_user", *related)
        return found.order_by("id", "history_date", "history_id")

    steps = object_steps(records(Plan, id=plan.pk), Plan, lambda r: str(Plan._meta.verbose_name).capitalize())
    steps += object_steps(
        records(Target, "dimension", plan_id=plan.pk),
        Target,
        lambda r: f"{Target._meta.verbose_name.capitalize()} {r.dimension.number}",
    )
    steps += object_steps(records(Task, plan_id=plan.pk), Task, lambda r: f"{Task._meta.verbose_name.capitalize()} {r.number}")
    return sorted(steps, key=lambda step: step.when, reverse=True)[:limit]


def _opening(model, **where):
    """{"first": the earliest record's time, "known_from": the latest time at which an object's
    first record is not its creation} over the model's records matching `where`: one query."""
    earlier = model.history.filter(id=OuterRef("id"), history_date__lt=OuterRef("history_date"))
    records = model.history.filter(**where).annotate(opening=~Exists(earlier))
    return records.aggregate(
        first=Min("history_date"), known_from=Max("history_date", filter=Q(opening=True) & ~Q(history_type="+"))
    )


def records_start(plan):
    """When the plan's tasks and targets can be rebuilt from its history (see the module), or None
    when neither the plan nor any of its tasks and targets has a record. Three queries."""
    times = [Plan.history.filter(id=plan.pk).aggregate(first=Min("history_date"))["first"]]
    known = []
    for model in (Task, Target):
        opening = _opening(model, plan_id=plan.pk)
        times.append(opening["first"])
        known.append(opening["known_from"])
    times = [t for t in times if t is not None]
    if not times:
        return None
    return max([min(times), *(t for t in known if t is not None)])


@dataclass
class Standing:
    """The plan's tasks and targets as they stood at the end of `day`, or why they are not
    rebuilt: the day is to come, or before the records begin (`starts`; None: there are none).
    A rebuilt task no longer in the plan has `deleted_since` set; the assignments shown are
    today's (TaskAssignment keeps no history), none for a deleted task."""

    day: datetime.date
    starts: datetime.datetime | None
    tasks: list | None = None  # None: not rebuilt, the page shows today's
    targets: list | None = None
    to_come: bool = False

    @property
    def rebuilt(self):
        return self.tasks is not None


def _as_of(model, plan, end):
    """(the plan's objects of `model` at `end`, those of them rebuilt from a record): each one's
    latest record by then (simple-history's `as_of`, deletions left out) and today's objects that
    have no record at all (unchanged since history began). Two queries; the rebuilt ones'
    dimension and sub-dimension are not read."""
    today = model.objects.filter(plan=plan).select_related("dimension", "sub_dimension")
    today = list(today.annotate(recorded=Exists(model.history.filter(id=OuterRef("pk")))))
    stood = {obj.pk: obj for obj in today if not obj.recorded}
    rebuilt = []
    for obj in model.history.as_of(end).filter(plan_id=plan.pk).order_by("history_date", "history_id"):
        stood[obj.pk] = obj  # two records of one object at the same instant: the later one
        rebuilt.append(obj)
    current = {obj.pk for obj in today}
    for obj in stood.values():
        obj.deleted_since = obj.pk not in current
    return list(stood.values()), [obj for obj in rebuilt if stood[obj.pk] is obj]


def standing_on(plan, day):
    """The Standing of the plan on `day`: at most ten queries whatever its size (records_start's
    three; today's tasks and targets and their records, two each; the framework's dimensions and
    sub-dimensions; the tasks' assignments)."""
    if day > timezone.localdate():
        return Standing(day, None, to_come=True)
    starts = records_start(plan)
    end = timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))
    if starts is None or end < starts:
        return Standing(day, starts)
    tasks, rebuilt_tasks = _as_of(Task, plan, end)
    targets, rebuilt_targets = _as_of(Target, plan, end)
    rebuilt = rebuilt_tasks + rebuilt_targets
    # The whole framework (tens of rows), read whatever was rebuilt: the same queries for any plan.
    dimensions, subs = Dimension.objects.in_bulk(), SubDimension.objects.in_bulk()
    for obj in rebuilt:
        obj.dimension = dimensions.get(obj.dimension_id)
        obj.sub_dimension = subs.get(obj.sub_dimension_id)
    assignments = TaskAssignment.objects.select_related("agency", "group")
    # Today's assignments of the plan's tasks; none for a task gone since, deleted or moved to
    # another plan (whose agencies are not this plan's).
    prefetch_related_objects([t for t in tasks if not t.deleted_since], Prefetch("assignments", queryset=assignments))
    for task in tasks:
        if task.deleted_since:
            none = TaskAssignment.objects.none()
            list(none)  # evaluated (no query): the template reads it as prefetched
            task._prefetched_objects_cache = {"assignments": none}
    tasks.sort(key=lambda task: (task.order, task.pk))
    targets.sort(
        key=lambda t: (
            t.year or plan.year,
            t.dimension.number if t.dimension else 0,
            t.sub_dimension.code if t.sub_dimension else "",
        )
    )
    return Standing(day, starts, tasks, targets)
