"""Next year's plan from this year's ("Lập kế hoạch năm sau"): what would be carried, and the
one step that carries it.

What is carried, into a plan for the year after the plan's last (status "Đang soạn", to adjust):
- the targets of the plan's last year, for the new year, with the new baseline: the unit's
  published score of the latest year published before the new one (the national median and best
  of that year beside them on the confirmation page; a unit of 1/7/2025 without scores of its own
  sees the baseline derived from its former provinces', which is never recorded as its own);
- the unfinished tasks, by the dashboard's rule (reporting.progress.task_states, judged today on
  everything sent), with their measures, outputs, agencies and groups, each with its status and
  percent done (the compiled report's rule, reporting.compiled.TaskResult.percent_done) on the
  day it was carried; the finished ones only if asked;
- a deadline moves to the same day of the new year (a deadline of the old year has passed).

A plan whose next year falls after 1/7/2025 while it was made for a former province lands on the
province's unit (Province.successor); its agencies and groups are found there by name or other
name, as plans.reorganisation moved them; those not found are listed and left out.

The new plan links back (Plan.carried_from), the old one forward (carried_into); the link is
unique, so a second click returns the plan the first one made. A fixed number of queries
whatever the number of tasks.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from simple_history.utils import bulk_create_with_history

from indicators.derived import derive, former_condition, former_count
from indicators.history import national_statistics
from indicators.models import Dimension, Score, SubDimension
from plans import access as plan_access
from plans.models import CarriedStatus, Plan, Target, Task, TaskAssignment, touch_plans
from plans.plan_import import directory, normalise

from .compiled import TaskResult
from .progress import COMPLETED, task_states


class CarryOverError(Exception):
    """Why the next year's plan cannot be made, for the user."""


@dataclass
class CarriedTarget:
    target: Target  # the old plan's
    dimension: Dimension
    sub_dimension: SubDimension | None
    baseline: Decimal | None  # the unit's published score of the new baseline year
    baseline_source: str = ""  # set when the baseline is derived from former provinces (not recorded)
    median: Decimal | None = None
    best: Decimal | None = None


@dataclass
class CarriedTask:
    state: object  # progress.TaskState of the old task
    percent: int
    missing: list = field(default_factory=list)  # agencies and groups not found in the new unit

    @property
    def task(self):
        return self.state.task

    @property
    def finished(self):
        return self.state.status == COMPLETED


@dataclass
class Carry:
    """What "Lập kế hoạch năm sau" would make of `plan`."""

    plan: Plan
    year: int
    unit: object  # the Province the new plan is for
    baseline_year: int
    targets: list  # CarriedTarget
    unfinished: list  # CarriedTask
    finished: list  # CarriedTask
    left_targets: list = field(default_factory=list)  # targets of dimensions the new year's framework no longer has
    existing: Plan | None = None  # the plan a first click made
    problem: str = ""  # why it cannot be made

    @property
    def unit_changes(self):
        return self.unit is not None and self.unit.pk != self.plan.province_id

    @property
    def missing_names(self):
        return sorted({name for item in self.unfinished + self.finished for name in item.missing})

    def tasks(self, include_finished):
        return self.unfinished + self.finished if include_finished else self.unfinished


def next_year_unit(plan, year):
    """The unit a plan of `year` following `plan` is for: the plan's province while it is in
    force that year, else its successor of 1/7/2025; None when neither is."""
    province = plan.province
    if province.valid_for_plan_year(year):
        return province
    successor = province.successor
    if successor is not None and successor.valid_for_plan_year(year):
        return successor
    return None


def default_document_number(plan, year):
    """A number for the draft until the plan is issued: unique beside the province's issued ones."""
    prefix = _("Dự thảo %(year)s") % {"year": year}
    return f"{prefix} ({plan.document_number})"[:50]


def prepare(plan, today=None, existing=None):
    """The Carry of `plan`: read only, a fixed number of queries (`existing` given: the caller
    has looked for the next plan already)."""
    today = today or timezone.localdate()
    year = plan.last_year + 1
    if existing is None:
        existing = Plan.objects.filter(carried_from=plan).first()
    unit = next_year_unit(plan, year)
    reference_year = Score.objects.filter(year__lt=year).order_by("-year").values_list("year", flat=True).first()
    baseline_year = reference_year or year - 1
    carry = Carry(plan, year, unit, baseline_year, [], [], [], existing=existing or None)
    if unit is None:
        carry.problem = _("Không có đơn vị hành chính nào để lập kế hoạch năm %(year)s cho %(province)s.") % {
            "year": year,
            "province": plan.province.name,
        }
        return carry
    carry.targets, carry.left_targets = _targets(plan, year, unit, baseline_year)
    names = _names(plan, unit) if carry.unit_changes else None
    tasks = list(Task.objects.filter(plan=plan).listed())
    for state in task_states([plan], today, tasks=tasks)[plan.pk]:
        item = CarriedTask(state, TaskResult(state, []).percent_done)
        if names is not None:
            item.missing = [str(a.agency or a.group) for a in state.task.assignments.all() if _key(a) not in names]
        (carry.finished if item.finished else carry.unfinished).append(item)
    return carry


def _targets(plan, year, unit, baseline_year):
    """(CarriedTarget list, targets left out): the last year's targets whose dimension (and
    sub-dimension) the new year's framework has, with the unit's baseline and the nation's
    median and best of the baseline year. Queries: targets, dimensions, sub-dimensions, scores,
    national statistics; the unit's scores come with its former provinces' (a baseline derived
    for a unit without scores), whatever the unit."""
    old = list(Target.objects.of_year(plan, plan.last_year).select_related("dimension", "sub_dimension"))
    dimensions = set(Dimension.objects.for_year(year).values_list("pk", flat=True))
    subs = set(SubDimension.objects.for_year(year).values_list("pk", flat=True))
    # The unit's scores and its former provinces' in one query: a unit of 1/7/2025 without
    # published scores gets its baselines derived from theirs (indicators.derived).
    rows = list(
        Score.objects.filter(
            Q(province=unit, year=baseline_year) | Q(former_condition(unit, baseline_year), sub_dimension__isnull=True)
        )
        .annotate(former_count=former_count(unit))
        .select_related("province")
        .order_by("province__name")
    )
    scores = {(row.dimension_id, row.sub_dimension_id): row.value for row in rows if row.province_id == unit.pk}
    derived = derive(row for row in rows if row.province_id != unit.pk) if not scores and unit.valid_from else {}
    stats = national_statistics([baseline_year])
    carried, left = [], []
    for target in old:
        if target.dimension_id not in dimensions or (target.sub_dimension_id and target.sub_dimension_id not in subs):
            left.append(target)
            continue
        item = CarriedTarget(
            target, target.dimension, target.sub_dimension, scores.get((target.dimension_id, target.sub_dimension_id))
        )
        if item.baseline is None and not target.sub_dimension_id and target.dimension_id in derived:
            item.baseline, item.baseline_source = derived[target.dimension_id].value, derived[target.dimension_id].source
        if not target.sub_dimension_id:
            item.median, item.best, _ranked = stats.get((baseline_year, target.dimension_id), (None, None, 0))
        carried.append(item)
    return carried, left


def _names(plan, unit):
    """{("agency"|"group", old id): new id} for the old plan's agencies and groups found in `unit`
    by name or other name (plans.reorganisation keeps a moved agency's old name as another)."""
    found = directory(unit)
    rows = TaskAssignment.objects.filter(task__plan=plan).values_list(
        "agency_id", "agency__name", "agency__aliases", "group_id", "group__name", "group__aliases"
    )
    result = {}
    for agency_id, agency_name, agency_aliases, group_id, group_name, group_aliases in rows.order_by():
        kind, pk, names = ("agency", agency_id, [agency_name, *(agency_aliases or [])])
        if group_id:
            kind, pk, names = ("group", group_id, [group_name, *(group_aliases or [])])
        for name in names:
            key = found.get(normalise(name), "")
            if key.startswith(f"{kind}:"):
                result[(kind, pk)] = int(key.split(":")[1])
                break
    return result


def _key(assignment):
    return ("agency", assignment.agency_id) if assignment.agency_id else ("group", assignment.group_id)


def _moved(day, years):
    if day is None:
        return None
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29/02 into a year without it
        return day.replace(year=day.year + years, day=28)


def _title(plan, year):
    title = plan.title.replace(plan.years_label, str(year)).replace(f"{plan.year}-{plan.last_year}", str(year))
    title = title.replace(str(plan.last_year), str(year)) if str(year) not in title else title
    return title if str(year) in title else f"{title} ({year})"[:500]


@transaction.atomic
def carry_over(plan, user, include_finished=False, document_number="", today=None):
    """Make the next year's plan of `plan` (see the module docstring); returns (plan, made):
    the plan a first click made, with made False, when there is one. Raises CarryOverError."""
    # Two clicks at once queue here; the second finds the first one's plan.
    Plan.objects.select_for_update(of=("self",)).only("pk").get(pk=plan.pk)
    existing = Plan.objects.filter(carried_from=plan).first()
    if existing is not None:
        return existing, False
    carry = prepare(plan, today, existing=False)
    if carry.problem:
        raise CarryOverError(carry.problem)
    unit, year = carry.unit, carry.year
    if carry.unit_changes and not plan_access.managed_provinces(user).filter(pk=unit.pk).exists():
        # The new plan is the unit's: only those who run it (or an administrator) make it.
        raise CarryOverError(
            _("Kế hoạch năm %(year)s thuộc %(unit)s: chỉ Sở Nội vụ của %(unit)s lập được.") % {"year": year, "unit": unit.name}
        )
    names = _names(plan, unit) if carry.unit_changes else None

    def agency_in_unit(agency_id):
        if agency_id is None or names is None:
            return agency_id
        return names.get(("agency", agency_id))

    new = Plan(
        province=unit,
        year=year,
        title=_title(plan, year),
        document_number=(document_number or default_document_number(plan, year)).strip(),
        issuer=unit.committee if carry.unit_changes and plan.issuer_kind == Plan.IssuerKind.PROVINCE else plan.issuer,
        signer_title=plan.signer_title,
        issuer_kind=plan.issuer_kind,
        issuing_agency_id=agency_in_unit(plan.issuing_agency_id),
        coordinating_agency_id=agency_in_unit(plan.coordinating_agency_id),
        parent=plan.parent if plan.parent_id and year in plan.parent.years else None,
        baseline_year=carry.baseline_year,
        goal=plan.goal,
        rank_goal=plan.rank_goal,
        group_goal=plan.group_goal,
        status=Plan.Status.DRAFT,
        carried_from=plan,
    )
    try:
        new.full_clean(exclude=["progress_version"])
    except ValidationError as error:
        raise CarryOverError(" ".join(str(m) for messages in error.message_dict.values() for m in messages)) from None
    try:
        with transaction.atomic():
            new.save()
    except IntegrityError:
        raise CarryOverError(_("Kế hoạch này đã được chuyển tiếp sang kế hoạch năm sau.")) from None
    _fill(new, carry, carry.tasks(include_finished), year - plan.last_year, names)
    return new, True


CARRIED_REASON = "Lập từ kế hoạch năm trước"


def _fill(new, carry, items, years, names):
    """The new plan's targets, tasks and assignments: three inserts and the targets' and tasks'
    history records (made from last year's plan), then its figures' version."""
    bulk_create_with_history(
        [
            Target(
                plan=new,
                dimension_id=item.target.dimension_id,
                sub_dimension_id=item.target.sub_dimension_id,
                year=None,  # the new plan's own year
                baseline_score=item.baseline if not item.baseline_source else None,  # a derived baseline stays derived
                comparator=item.target.comparator,
                target_score=item.target.target_score,
                target_group=item.target.target_group,
                target_rank=item.target.target_rank,
                rank_rise=item.target.rank_rise,
                text=item.target.text,
            )
            for item in carry.targets
        ],
        Target,
        default_change_reason=CARRIED_REASON,
    )
    fields = ["dimension_id", "sub_dimension_id", "number", "order", "title", "measure", "measure_value", "measure_unit",
              "measure_comparator", "supervisor", "timeframe_kind", "timeframe_text", "expected_output"]  # fmt: skip
    tasks = bulk_create_with_history(
        [
            Task(
                plan=new,
                **{name: getattr(item.task, name) for name in fields},
                due_date=_moved(item.task.due_date, years),
                carried_from=item.task,
                carried_status=CarriedStatus(item.state.status),
                carried_percent=item.percent,
            )
            for item in items
        ],
        Task,
        default_change_reason=CARRIED_REASON,
    )
    assignments = []
    for task, item in zip(tasks, items, strict=True):
        for old in item.task.assignments.all():
            key = _key(old)
            target = key[1] if names is None else names.get(key)
            if target is None:
                continue  # not found in the new unit: listed on the confirmation page
            assignments.append(
                TaskAssignment(
                    task=task,
                    role=old.role,
                    agency_id=target if key[0] == "agency" else None,
                    group_id=target if key[0] == "group" else None,
                    from_block=old.from_block,
                )
            )
    TaskAssignment.objects.bulk_create(assignments)
    touch_plans([new.pk])


class NextYearForm(forms.Form):
    """The confirmation page's choices."""

    document_number = forms.CharField(
        label=_lazy("Số, ký hiệu tạm của kế hoạch mới"),
        max_length=50,
        required=False,
        help_text=_lazy("Sửa lại khi kế hoạch được ban hành; để trống: “Dự thảo” kèm năm."),
    )
    include_finished = forms.BooleanField(label=_lazy("kèm nhiệm vụ đã hoàn thành"), required=False)
