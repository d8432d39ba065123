"""How far a plan has come, as plain dataclasses: task status, reporting discipline and the
dimensions' targets against published scores. The dashboard, the national view and the
compiled reports all read these functions, so they never disagree.

Task status, from the answers of submitted and accepted reports only (a draft or a returned
report is still being written), each agency's latest answer up to the period looked at:

- completed: every lead agency's latest answer says completed (a task without a lead agency:
  every agency assigned to it);
- in progress: not completed, but some answer says in progress or completed, or a percent > 0;
  only the answers of agencies assigned to the task now count;
- not started: no answer yet, or every answer says not started;
- overdue: not completed and its deadline is before the reference date (today, or the
  period's cut-off date when looking back at a past period). Overdue tasks are also counted
  in their status above: "10 not completed, of which 3 overdue", as reports phrase it.

Each function runs a fixed number of queries whatever the number of tasks, agencies or plans.
"""

import datetime
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from functools import cached_property

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from indicators.derived import derive, former_condition, former_count
from indicators.models import Dimension, PerformanceGroup, Province, Score
from papi_tracker.collation import sort_key, vietnamese
from plans.models import Agency, Plan, Target, Task, TaskAssignment
from plans.obligations import agencies_owing, assignees

from . import figures
from .models import Report, ReportingPeriod, TaskProgress
from .workflow import is_on_time, sent_by

COMPLETED = TaskProgress.Status.COMPLETED
IN_PROGRESS = TaskProgress.Status.IN_PROGRESS
NOT_STARTED = TaskProgress.Status.NOT_STARTED
TASK_STATUS_LABELS = dict(TaskProgress.Status.choices)
LEAD, COORDINATING = TaskAssignment.Role.LEAD, TaskAssignment.Role.COORDINATING


def percent(part, whole):
    """A whole percent, rounded half up as the tables and charts write numbers (12.5 → 13)."""
    return (200 * part + whole) // (2 * whole) if whole else 0


class ReportingRates:
    """DHIS2's rates of a period, the one place they are computed (the review queue, the
    dashboard, the compiled report and the national view read them): reporting rate = reports
    sent / reports expected; on-time rate = reports first sent by the due date / reports
    expected. A report counts as sent from its first submission (returned since or not). The
    class gives `expected`, `sent_count` and `on_time_count`."""

    @property
    def reporting_rate(self):
        return percent(self.sent_count, self.expected)

    @property
    def on_time_rate(self):
        return percent(self.on_time_count, self.expected)


# --- task status ---------------------------------------------------------------------


@dataclass
class Answer:
    """An agency's latest sent answer on a task."""

    agency_id: int
    report_id: int
    period_id: int
    status: str
    percent_done: int | None
    difficulties: str
    narrative: str = ""  # read only for the compiled report (with_text)
    achieved_value: Decimal | None = None
    progress_id: int | None = None  # the answer's row (with_text), for what a lead's answer took in
    agency: Agency | None = None  # filled in where the page names agencies


@dataclass
class TaskState:
    task: Task
    status: str
    overdue: bool
    leads: set  # agency ids, groups expanded
    coordinating: set
    answers: dict  # agency id → Answer

    @property
    def status_label(self):
        return TASK_STATUS_LABELS[self.status]

    @cached_property  # a dashboard reads it three times per task
    def difficulties(self):
        """The answers that name difficulties, by agency name where the page has named them."""
        found = [a for a in self.answers.values() if a.difficulties]
        return sorted(found, key=lambda a: (a.agency.name if a.agency else "", a.agency_id))

    @property
    def agency_ids(self):
        return self.leads | self.coordinating

    @property
    def leads_completed(self):
        """How many lead agencies' latest answers say completed (of len(leads))."""
        return sum(1 for a in self.leads if a in self.answers and self.answers[a].status == COMPLETED)

    @property
    def lead_assignments(self):
        """The lead agencies and groups as the plan names them (needs assignments prefetched)."""
        return [a for a in self.task.assignments.all() if a.role == LEAD]


def task_status(leads, answers, assigned=frozenset()):
    """The rule in the module docstring, for one task."""
    deciders = leads or assigned
    if deciders and all(answers.get(a) and answers[a].status == COMPLETED for a in deciders):
        return COMPLETED
    if any(a.status in (IN_PROGRESS, COMPLETED) or (a.percent_done or 0) > 0 for a in answers.values()):
        return IN_PROGRESS
    return NOT_STARTED


# Periods that share a cut-off (Q2 and 6 months, Q4 and the year): the longer one's answer wins.
KIND_RANK = {"quarter": 0, "half_year": 1, "nine_months": 2, "year": 3}


def latest_answers(plans, until=None, with_text=False, period=None):
    """{task_id: {agency_id: Answer}}: each agency's latest sent answer per task, from the
    periods whose cut-off is on or before `until` (all periods when None). On the same cut-off
    the answer of `period` (the one looked at) wins, then that of the longer period; when it
    was sent does not matter, so sending a report again never changes which answer counts.
    One query; the narratives are read only `with_text`, for the compiled report."""
    answers = TaskProgress.objects.filter(report__period__plan__in=plans, report__status__in=Report.FINAL)
    if until is not None:
        answers = answers.filter(report__period__end__lte=until)
    return _latest(answers, with_text, period)


def _latest(answers, with_text, period):
    """latest_answers' rule over the answers of a queryset; one query."""
    fields = ["task_id", "report__agency_id", "report_id", "report__period_id", "status", "percent_done", "difficulties"]
    if with_text:
        fields += ["narrative", "achieved_value", "pk"]
    # Unordered: the sort below decides, and the default ordering would join the tasks.
    rows = answers.order_by().values_list("report__period__end", "report__period__kind", *fields)
    looked_at = period.pk if period else None

    def order(row):
        end, kind, period_id = row[0], row[1], row[5]
        return (end, period_id == looked_at, KIND_RANK.get(kind, 0), period_id)

    latest = defaultdict(dict)
    for _end, _kind, task_id, agency_id, *values in sorted(rows, key=order):
        # Later rows replace earlier ones: the ordering puts the latest last.
        latest[task_id][agency_id] = Answer(agency_id, *values)
    return latest


def task_states(plans, reference_date, until=None, tasks=None, with_text=False, period=None):
    """{plan_id: [TaskState…]} in plan order. `tasks` may be given when the caller already has
    them (with whatever it selected); otherwise they are read bare."""
    if tasks is None:
        tasks = Task.objects.filter(plan__in=plans)
    return _states(tasks, assignees(plans), latest_answers(plans, until, with_text, period), reference_date)


def _states(tasks, obligations, answers, reference_date):
    """task_states from what it reads: {task_id: roles} and {task_id: {agency_id: Answer}}."""
    states = defaultdict(list)
    for task in tasks:
        roles = obligations.get(task.pk, {LEAD: set(), COORDINATING: set()})
        assigned = roles[LEAD] | roles[COORDINATING]
        # An agency no longer assigned to the task no longer speaks for it.
        task_answers = {a: answer for a, answer in answers.get(task.pk, {}).items() if a in assigned}
        status = task_status(roles[LEAD], task_answers, assigned)
        overdue = status != COMPLETED and task.due_date is not None and task.due_date < reference_date
        states[task.plan_id].append(TaskState(task, status, overdue, roles[LEAD], roles[COORDINATING], task_answers))
    return states


@dataclass
class TaskTally:
    """Counts of tasks by status, e.g. "38/59 tasks completed (64 %)"."""

    total: int = 0
    completed: int = 0
    in_progress: int = 0
    not_started: int = 0
    overdue: int = 0
    with_difficulties: int = 0

    def add(self, state):
        self.total += 1
        setattr(self, state.status, getattr(self, state.status) + 1)
        self.overdue += state.overdue
        self.with_difficulties += bool(state.difficulties)

    @property
    def not_completed(self):
        return self.total - self.completed

    @property
    def completed_percent(self):
        return percent(self.completed, self.total)

    @property
    def in_progress_percent(self):
        return percent(self.in_progress, self.total)

    @property
    def not_started_percent(self):
        return percent(self.not_started, self.total)

    @property
    def overdue_percent(self):
        return percent(self.overdue, self.total)


def tally(states):
    result = TaskTally()
    for state in states:
        result.add(state)
    return result


# --- reporting discipline ------------------------------------------------------------


class Punctuality:
    ON_TIME = "on_time"
    LATE = "late"
    MISSING = "missing"  # due date passed, nothing sent
    PENDING = "pending"  # not sent yet, still before the due date


def punctuality(report, period, today):
    if report is not None and report["first_submitted_at"]:
        return Punctuality.ON_TIME if report["on_time"] else Punctuality.LATE
    return Punctuality.MISSING if today > period.due_date else Punctuality.PENDING


@dataclass
class Entry:
    """An agency in one of a period's lists, with its report once sent."""

    agency: Agency
    report_id: int | None = None
    days_late: int = 0


@dataclass
class PeriodDiscipline(ReportingRates):
    """Who reported for a period, with its rates (ReportingRates)."""

    period: ReportingPeriod
    expected: int
    on_time: list  # Entry
    late: list
    missing: list
    pending: list

    @property
    def sent(self):
        return len(self.on_time) + len(self.late)

    @property
    def not_sent(self):
        return len(self.missing) + len(self.pending)

    @property
    def sent_count(self):
        return self.sent

    @property
    def on_time_count(self):
        return len(self.on_time)


@dataclass
class AgencyRecord:
    """One agency's punctuality over the plan's periods: a row of the punctuality table."""

    agency: Agency
    cells: list  # (period, punctuality, Entry), in period order

    def count(self, state):
        return sum(1 for _, s, _ in self.cells if s == state)

    @property
    def due(self):
        return sum(1 for _, s, _ in self.cells if s != Punctuality.PENDING)

    @property
    def on_time_count(self):
        return self.count(Punctuality.ON_TIME)

    @property
    def late_count(self):
        return self.count(Punctuality.LATE)

    @property
    def missing_count(self):
        return self.count(Punctuality.MISSING)

    @property
    def on_time_rate(self):
        return percent(self.on_time_count, self.due)


@dataclass(frozen=True)
class ReportRow:
    """A report of the plan as the figures read it (plan_report_rows)."""

    id: int
    agency_id: int
    period_id: int
    status: str
    version: int
    updated_at: datetime.datetime
    first_submitted_at: datetime.datetime | None
    due_date: datetime.date
    end: datetime.date


def plan_report_rows(plan):
    """[ReportRow] of every report of the plan, drafts included; one query."""
    fields = ["id", "agency_id", "period_id", "status", "version", "updated_at", "first_submitted_at"]
    rows = Report.objects.filter(period__plan=plan).order_by().values_list(*fields, "period__due_date", "period__end")
    return [ReportRow(*row) for row in rows]


def plan_reports(plan, rows=None):
    """{(agency_id, period_id): {"id", "first_submitted_at", "on_time", "days_late"}}; one query
    unless the plan's `rows` (plan_report_rows) are given."""
    reports = {}
    for row in plan_report_rows(plan) if rows is None else rows:
        sent_on = timezone.localtime(row.first_submitted_at).date() if row.first_submitted_at else None
        reports[(row.agency_id, row.period_id)] = {
            "id": row.id,
            "first_submitted_at": row.first_submitted_at,
            "on_time": sent_by(row.first_submitted_at, row.due_date),
            "days_late": max(0, (sent_on - row.due_date).days) if sent_on else 0,
        }
    return reports


def discipline(periods, agencies, reports, today):
    """The discipline of each period, and each agency's record over them."""
    by_period = {}
    records = [AgencyRecord(agency, []) for agency in agencies]
    for period in periods:
        lists = defaultdict(list)
        for record in records:
            report = reports.get((record.agency.pk, period.pk))
            state = punctuality(report, period, today)
            sent = state in (Punctuality.ON_TIME, Punctuality.LATE)
            entry = Entry(record.agency, report["id"] if sent else None, report["days_late"] if sent else 0)
            lists[state].append(entry)
            record.cells.append((period, state, entry))
        by_period[period.pk] = PeriodDiscipline(
            period,
            len(agencies),
            lists[Punctuality.ON_TIME],
            lists[Punctuality.LATE],
            lists[Punctuality.MISSING],
            lists[Punctuality.PENDING],
        )
    return by_period, records


def current_period(periods, today):
    """The period being collected now: the first whose due date is today or later; once
    the year is over, the last one."""
    periods = sorted(periods, key=lambda p: (p.due_date, p.end, p.kind))
    upcoming = [p for p in periods if p.due_date >= today]
    return upcoming[0] if upcoming else (periods[-1] if periods else None)


# --- dimensions: targets, scores and task progress ------------------------------------


class Signal:
    MET = "met"  # the published score reached the target
    MISSED = "missed"
    ON_TRACK = "on_track"  # no score yet: tasks completed keep pace with the year
    BEHIND = "behind"  # fewer tasks completed than the share of the year gone by
    OVERDUE = "overdue"  # some task's deadline passed unfinished
    NONE = "none"  # no target and no tasks

    LABELS = {
        MET: _("Đạt mục tiêu"),
        MISSED: _("Chưa đạt mục tiêu"),
        ON_TRACK: _("Đúng tiến độ"),
        BEHIND: _("Cần đôn đốc"),
        OVERDUE: _("Có nhiệm vụ quá hạn"),
        NONE: "—",
    }


@dataclass
class DimensionProgress:
    dimension: Dimension | None  # None: general tasks of direction (chỉ đạo, điều hành)
    target: object = None  # plans.Target
    baseline: Decimal | None = None
    # Where the baseline comes from when it is not published: "ước tính từ An Giang 4,27 và…"
    # (a unit formed on 1/7/2025, indicators.derived); empty for a published score.
    baseline_source: str = ""
    actual: Decimal | None = None
    actual_group: int | None = None
    actual_rank: int | None = None
    baseline_rank: int | None = None
    sub_targets: list = field(default_factory=list)  # SubTarget, judged with the dimension's own
    tasks: TaskTally = field(default_factory=TaskTally)
    signal: str = Signal.NONE

    @property
    def target_score(self):
        return self.target.target_score if self.target else None

    @property
    def gap(self):
        """Published score minus target: negative means short of it."""
        if self.actual is None or self.target_score is None:
            return None
        return self.actual - self.target_score

    @property
    def change(self):
        """Published score minus baseline."""
        if self.actual is None or self.baseline is None:
            return None
        return self.actual - self.baseline

    @property
    def signal_label(self):
        return Signal.LABELS[self.signal]


def year_elapsed(year, day):
    """The share of the plan's year gone by on `day`, from 0 to 1."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    if day <= start:
        return 0.0
    return min(1.0, (day - start).days / (end - start).days)


def target_checks(target, actual, group, rank, baseline_rank):
    """[passed…] for each aim of the target the published figures can judge: the score with
    its comparator, the group or better, the rank (top N), the rise of N places over the
    baseline year's rank. An aim without its figure (no group or rank published, a merged
    unit's derived baseline has no rank) is left to the tasks."""
    checks = []
    if target.target_score is not None:
        above = target.comparator == target.Comparator.ABOVE
        checks.append(actual > target.target_score if above else actual >= target.target_score)
    if target.target_group and group:
        checks.append(group <= target.target_group)
    if target.target_rank and rank:
        checks.append(rank <= target.target_rank)
    if target.rank_rise and rank and baseline_rank:
        checks.append(baseline_rank - rank >= target.rank_rise)
    return checks


@dataclass
class SubTarget:
    """A target for one sub-dimension ("Chỉ số thành phần … đạt 1,50 điểm"), its published score
    and whether it met the target (None before the score is published)."""

    target: object
    actual: Decimal | None = None
    met: bool | None = None


def _sub_targets(plan, year, targets, rows):
    """Each dimension row's sub-dimension targets with the year's published sub-dimension
    scores: one query, only for a plan that has such targets."""
    if not targets:
        return
    scores = dict(
        Score.objects.filter(
            province_id=plan.province_id, year=year, sub_dimension_id__in=[t.sub_dimension_id for t in targets]
        ).values_list("sub_dimension_id", "value")
    )
    for target in targets:
        row = rows.get(target.dimension_id)
        if row is None:
            continue
        row.sub_targets.append(judged_sub_target(target, scores.get(target.sub_dimension_id)))


def judged_sub_target(target, actual):
    """A sub-dimension's target judged against its published score (None before it is published)."""
    checks = target_checks(target, actual, None, None, None) if actual is not None else []
    return SubTarget(target, actual, all(checks) if checks else None)


def dimension_signal(row, plan_year, reference_date):
    checks = [sub.met for sub in row.sub_targets if sub.met is not None]
    if row.actual is not None and row.target is not None:
        checks += target_checks(row.target, row.actual, row.actual_group, row.actual_rank, row.baseline_rank)
    if checks:  # a group target without a published group is judged by the tasks below
        return Signal.MET if all(checks) else Signal.MISSED
    if not row.tasks.total:
        return Signal.NONE
    if row.tasks.overdue:
        return Signal.OVERDUE
    if row.tasks.completed / row.tasks.total >= year_elapsed(plan_year, reference_date):
        return Signal.ON_TRACK
    return Signal.BEHIND


def judged_year(plan, reference_date):
    """The plan year whose targets and scores the dashboard judges: the plan's year, or for a
    plan of several years the year of the reference date within them."""
    return min(max(reference_date.year, plan.year), plan.last_year)


@dataclass
class PlanScores:
    """The unit's published scores {(year, dimension id or None): Score} for the judged and
    baseline years, and its former provinces' of the baseline year (a unit of 1/7/2025)."""

    own: dict
    former: list

    def get(self, key):
        return self.own.get(key)

    def derived_baseline(self, plan):
        """The baseline derived from the former provinces when the unit has none published."""
        if plan.province.valid_from is None or any(year == plan.baseline_year for year, _d in self.own):
            return {}
        return derive(self.former)


def plan_scores(plan, year):
    """PlanScores of the plan for the judged `year`: one query, the former provinces' baseline
    scores ORed in (a unit of 1/7/2025 has no published baseline of its own)."""
    own, former = {}, []
    rows = (
        Score.objects.filter(
            Q(province_id=plan.province_id, year__in=[year, plan.baseline_year])
            | former_condition(plan.province_id, plan.baseline_year),
            sub_dimension__isnull=True,
        )
        .annotate(former_count=former_count(plan.province_id))
        .select_related("province")
        .order_by("province__name")
    )
    for score in rows:
        if score.province_id == plan.province_id:
            own[(score.year, score.dimension_id)] = score
        else:
            former.append(score)
    return PlanScores(own, former)


def dimension_progress(plan, states, reference_date, scores):
    """A row per dimension of the plan's year (and one for general tasks, if any): baseline,
    target, published score and task counts. Queries: targets, dimensions."""
    year = judged_year(plan, reference_date)
    all_targets = list(Target.objects.of_year(plan, year).select_related("sub_dimension"))
    targets = {t.dimension_id: t for t in all_targets if t.sub_dimension_id is None}
    rows = {d.pk: DimensionProgress(d) for d in Dimension.objects.for_year(year).order_by("number")}
    _sub_targets(plan, year, [t for t in all_targets if t.sub_dimension_id], rows)
    general = DimensionProgress(None)
    for state in states:
        rows.get(state.task.dimension_id, general).tasks.add(state)
    derived = scores.derived_baseline(plan)
    for dimension_id, row in rows.items():
        row.target = targets.get(dimension_id)
        baseline = scores.get((plan.baseline_year, dimension_id))
        row.baseline = row.target.baseline_score if row.target and row.target.baseline_score is not None else None
        if baseline:
            row.baseline_rank = baseline.rank
        if row.baseline is None and baseline:
            row.baseline = baseline.value
        elif row.baseline is None and dimension_id in derived:
            row.baseline, row.baseline_source = derived[dimension_id].value, derived[dimension_id].source
        actual = scores.get((year, dimension_id))
        if actual:
            row.actual, row.actual_group, row.actual_rank = actual.value, actual.group, actual.rank
        row.signal = dimension_signal(row, year, reference_date)
    result = list(rows.values())
    if general.tasks.total:
        general.signal = dimension_signal(general, year, reference_date)
        result.append(general)
    return result


@dataclass
class GoalCheck:
    """One of the plan's overall goals (rank among the first N, group or better) and whether the
    published total of the judged year meets it (None before it is published, or without a rank
    or group in it)."""

    kind: str  # "rank" or "group"
    goal: int
    actual: int | None
    met: bool | None

    @property
    def label(self):
        if self.kind == "rank":
            return _("Mục tiêu xếp hạng: trong %(rank)s tỉnh dẫn đầu") % {"rank": self.goal}
        if self.goal == PerformanceGroup.HIGHEST:
            return _("Mục tiêu nhóm: %(group)s") % {"group": PerformanceGroup(self.goal).label}
        return _("Mục tiêu nhóm: %(group)s trở lên") % {"group": PerformanceGroup(self.goal).label}

    @property
    def verdict(self):
        if self.met is None:
            return _("chưa có kết quả")
        if self.kind == "rank":
            verdict = _("Đạt (hạng %(rank)s)") if self.met else _("Chưa đạt (hạng %(rank)s)")
            return verdict % {"rank": self.actual}
        return _("Đạt") if self.met else _("Chưa đạt (%(group)s)") % {"group": PerformanceGroup(self.actual).label}


def goal_checks(plan, total):
    """The plan's rank and group goals judged against `total`, the published total Score of the
    year judged (or None): a lower rank or group number is better."""
    checks = []
    if plan.rank_goal:
        rank = total.rank if total else None
        checks.append(GoalCheck("rank", plan.rank_goal, rank, None if rank is None else rank <= plan.rank_goal))
    if plan.group_goal:
        group = total.group if total else None
        checks.append(GoalCheck("group", plan.group_goal, group, None if group is None else group <= plan.group_goal))
    return checks


# --- a plan at a glance, and every province's --------------------------------------------


@dataclass
class PlanProgress:
    plan: object
    period: ReportingPeriod | None  # the period looked at
    periods: list
    is_current: bool
    reference_date: datetime.date
    tasks: list  # TaskState, in plan order
    tally: TaskTally
    dimensions: list  # DimensionProgress
    total: Score | None  # the published total of the plan's year
    baseline_total: Score | None
    discipline: PeriodDiscipline | None
    records: list  # AgencyRecord, by agency name
    year: int | None = None  # the plan year judged (judged_year): a plan of several years judges one at a time

    @property
    def goals(self):
        return goal_checks(self.plan, self.total)


def plan_progress(plan, period=None, today=None, with_text=False):
    """Everything the dashboard and the compiled report show for a plan and a period (the
    current one by default). Looking back at a past period, answers count up to its cut-off
    and deadlines are judged on that day; otherwise on today. A fixed number of queries."""
    today = today or timezone.localdate()
    periods = list(plan.periods.order_by("end", "-start"))  # the manager sets period.plan
    current = current_period(periods, today)
    period = period or current
    is_current = period is not None and period == current
    looking_back = period is not None and not is_current and period.due_date < today
    reference_date = period.end if looking_back else today
    # Looking back, what was known at the cut-off; otherwise everything sent so far (an agency
    # may send a later period's report early), as the national view counts it.
    until = period.end if looking_back else None
    states, agencies, reports = _task_part(plan, period, reference_date, until, with_text)
    year = judged_year(plan, reference_date)
    scores = plan_scores(plan, year)
    by_period, records = discipline(periods, agencies, reports, today)
    return PlanProgress(
        plan=plan,
        period=period,
        periods=periods,
        is_current=is_current,
        reference_date=reference_date,
        tasks=states,
        tally=tally(states),
        dimensions=dimension_progress(plan, states, reference_date, scores),
        total=scores.get((year, None)),
        baseline_total=scores.get((plan.baseline_year, None)),
        discipline=by_period.get(period.pk) if period else None,
        records=records,
        year=year,
    )


def _task_part(plan, period, reference_date, until, with_text):
    """(task states, agencies owing, reports) of the plan as plan_progress needs them, kept
    between requests by reporting.figures for the plan's progress version; after a change, put
    together again from what did not change (task_part)."""
    version, structure_version = figures.current_versions(plan)
    parts = ("task-part", period.pk if period else None, reference_date, until, with_text)
    compute = lambda: task_part(plan, structure_version, period, reference_date, until, with_text)  # noqa: E731
    return figures.cached(plan, parts, compute, version=version)


def task_part(plan, structure_version, period, reference_date, until, with_text):
    """_task_part's value from the plan's structure and each agency's latest answers as
    reporting.figures keeps them (the structure for `structure_version`, an agency's answers for
    the stamp of its sent reports): after a report is sent, returned or accepted, two queries
    read the plan's reports and that agency's answers; the rest comes from the cache."""
    tasks, obligations, agencies = figures.cached(plan, ("structure",), lambda: _structure(plan), version=f"s{structure_version}")
    rows = plan_report_rows(plan)
    counted = defaultdict(list)  # agency id → its reports whose answers count
    for row in rows:
        if row.status in Report.FINAL and (until is None or row.end <= until):
            counted[row.agency_id].append(row)
    looked_at = period.pk if period else None
    parts = {
        agency_id: ("answers", plan.pk, f"s{structure_version}", until, looked_at, with_text, _stamp(own))
        for agency_id, own in counted.items()
    }

    def read(missing):
        report_ids = [row.id for agency_id in missing for row in counted[agency_id]]
        by_agency = {agency_id: {} for agency_id in missing}
        for task_id, answers in _latest(TaskProgress.objects.filter(report_id__in=report_ids), with_text, period).items():
            for agency_id, answer in answers.items():
                by_agency[agency_id][task_id] = answer
        return by_agency

    answers = defaultdict(dict)  # task id → {agency id: Answer}
    by_id = {agency.pk: agency for agency in agencies}
    for agency_id, latest in figures.cached_many(parts, read).items():
        for task_id, answer in latest.items():
            answer.agency = by_id.get(agency_id)
            answers[task_id][agency_id] = answer
    states = _states(tasks, obligations, answers, reference_date)[plan.pk]
    return (states, agencies, plan_reports(plan, rows))


def _stamp(reports):
    """What tells an agency's counted reports apart from any earlier state of them: a report
    saved through the ORM gets a new updated_at, the workflow raises its version too."""
    return ",".join(f"{r.id}.{r.status}.{r.version}.{r.updated_at.timestamp()}" for r in sorted(reports, key=lambda r: r.id))


def _structure(plan):
    """(tasks listed, {task id: roles}, agencies owing): what the figures are built on besides
    the answers."""
    tasks = list(Task.objects.filter(plan=plan).listed())
    return (tasks, {task_id: dict(roles) for task_id, roles in assignees([plan]).items()}, list(agencies_owing(plan)))


@dataclass
class PlanSummary(ReportingRates):
    """A row of the national view, with the current period's rates (ReportingRates)."""

    plan: object
    tally: TaskTally
    period: ReportingPeriod | None
    expected: int
    sent: int
    on_time: int
    unit: object = None  # the province in force today the plan counts for

    @property
    def sent_count(self):
        return self.sent

    @property
    def on_time_count(self):
        return self.on_time


def plan_summaries(plans, today=None):
    """Task completion and the current period's reporting rate for each plan, in a fixed
    number of queries whatever the number of plans."""
    today = today or timezone.localdate()
    plans = list(plans)
    tasks = Task.objects.filter(plan__in=plans).only("pk", "plan_id", "due_date")
    states = task_states(plans, today, tasks=tasks)
    by_id = {plan.pk: plan for plan in plans}
    periods = defaultdict(list)
    for period in ReportingPeriod.objects.filter(plan__in=plans):
        period.plan = by_id[period.plan_id]  # its label reads the plan's year
        periods[period.plan_id].append(period)
    current = {plan.pk: current_period(periods[plan.pk], today) for plan in plans}
    sent = defaultdict(dict)  # period id → {agency id: on time?}
    reports = Report.objects.filter(period__in=[p for p in current.values() if p], first_submitted_at__isnull=False)
    for report in reports.select_related("period"):
        sent[report.period_id][report.agency_id] = is_on_time(report)
    rows = []
    for plan in plans:
        owing = set().union(*(s.agency_ids for s in states[plan.pk]))
        period = current[plan.pk]
        received = {a: on_time for a, on_time in sent[period.pk].items() if a in owing} if period else {}
        rows.append(PlanSummary(plan, tally(states[plan.pk]), period, len(owing), len(received), sum(received.values())))
    return rows


def cached_plan_summaries(plans, today=None):
    """plan_summaries, each plan's row kept for the day and the plan's progress version by
    reporting.figures, so a row is never older than the last save and deadlines are judged
    afresh each day. Queries: the stored rows and their periods; for the plans without a
    current row, plan_summaries' queries and one to store theirs."""
    today = today or timezone.localdate()
    plans = list(plans)
    fresh = figures.stored_rows(plans, today)
    missing = [plan for plan in plans if plan.pk not in fresh]
    computed = {row.plan.pk: row for row in plan_summaries(missing, today)} if missing else {}
    figures.store_rows([(row.plan, _figures(row)) for row in computed.values()], today)
    periods = ReportingPeriod.objects.in_bulk([row["period"] for row in fresh.values() if row["period"]])
    rows = []
    for plan in plans:
        if plan.pk in computed:
            rows.append(computed[plan.pk])
            continue
        stored = fresh[plan.pk]
        period = periods.get(stored["period"])
        if period is not None:
            period.plan = plan  # its label reads the plan's year
        counts = TaskTally(**stored["tally"])
        rows.append(PlanSummary(plan, counts, period, stored["expected"], stored["sent"], stored["on_time"]))
    return rows


def _figures(row):
    return {
        "tally": asdict(row.tally),
        "period": row.period.pk if row.period else None,
        "expected": row.expected,
        "sent": row.sent,
        "on_time": row.on_time,
    }


@dataclass
class Headline:
    """A plan at a glance for a leader's home: its tasks and reporting (PlanSummary), its targets
    of the year judged by the dashboard's rule (dimension_signal), its overall goals."""

    summary: PlanSummary
    targets: int = 0  # dimensions aimed at in the year judged (a target, or sub-dimension targets)
    met: int = 0  # the published score reached the target
    missed: int = 0
    on_track: int = 0  # no score yet: the dimension's tasks keep pace with the year
    behind: int = 0  # no score yet: behind, or a task overdue
    goals: list = field(default_factory=list)  # GoalCheck

    @property
    def plan(self):
        return self.summary.plan

    @property
    def tally(self):
        return self.summary.tally


def _dimension_tallies(plans, today):
    """{plan id: {dimension id: TaskTally}}: kept per plan version and day by reporting.figures;
    the missing plans' in one computation, a fixed number of queries."""

    def compute(missing):
        tasks = Task.objects.filter(plan__in=missing).only("pk", "plan_id", "due_date", "dimension_id")
        result = {plan.pk: defaultdict(TaskTally) for plan in missing}
        for plan_id, states in task_states(missing, today, tasks=tasks).items():
            for state in states:
                result[plan_id][state.task.dimension_id].add(state)
        return {pk: dict(tallies) for pk, tallies in result.items()}

    return figures.cached_per_plan(plans, ("dimension-tallies", today), compute)


def plan_headlines(plans, today=None):
    """A Headline per plan, in a fixed number of queries whatever the number of plans: the
    national rows' (cached_plan_summaries), the tasks per dimension (kept), then the targets and
    the published scores read afresh, so a score import shows at once."""
    today = today or timezone.localdate()
    plans = list(plans)
    if not plans:
        return []
    summaries = cached_plan_summaries(plans, today)
    tallies = _dimension_tallies(plans, today)
    years = {plan.pk: judged_year(plan, today) for plan in plans}
    by_id = {plan.pk: plan for plan in plans}
    targets, sub_targets = defaultdict(dict), defaultdict(list)
    for target in Target.objects.filter(plan__in=plans):
        plan, year = by_id[target.plan_id], years[target.plan_id]
        if not (target.year == year or (target.year is None and year == plan.year)):  # TargetQuerySet.of_year's rule
            continue
        if target.sub_dimension_id:
            sub_targets[plan.pk].append(target)
        else:
            targets[plan.pk][target.dimension_id] = target
    scores = {
        (score.province_id, score.year, score.dimension_id): score
        for score in Score.objects.filter(
            province_id__in={plan.province_id for plan in plans},
            year__in=set(years.values()) | {plan.baseline_year for plan in plans},
            sub_dimension__isnull=True,
        )
    }
    sub_scores = {}
    if sub_targets:  # one more query, only for plans with sub-dimension targets (as the dashboard)
        wanted = {t.sub_dimension_id for found in sub_targets.values() for t in found}
        for province_id, year, sub_id, value in Score.objects.filter(
            province_id__in={plan.province_id for plan in plans}, year__in=set(years.values()), sub_dimension_id__in=wanted
        ).values_list("province_id", "year", "sub_dimension_id", "value"):
            sub_scores[(province_id, year, sub_id)] = value
    headlines = []
    for plan, summary in zip(plans, summaries, strict=True):
        headline, year = Headline(summary), years[plan.pk]
        aimed = dict.fromkeys([*targets[plan.pk], *(t.dimension_id for t in sub_targets[plan.pk])])
        for dimension_id in aimed:
            row = DimensionProgress(None, target=targets[plan.pk].get(dimension_id))
            row.tasks = tallies[plan.pk].get(dimension_id, TaskTally())
            for sub in (t for t in sub_targets[plan.pk] if t.dimension_id == dimension_id):
                row.sub_targets.append(judged_sub_target(sub, sub_scores.get((plan.province_id, year, sub.sub_dimension_id))))
            actual = scores.get((plan.province_id, year, dimension_id))
            baseline = scores.get((plan.province_id, plan.baseline_year, dimension_id))
            if actual:
                row.actual, row.actual_group, row.actual_rank = actual.value, actual.group, actual.rank
            if baseline:
                row.baseline_rank = baseline.rank
            signal = dimension_signal(row, year, today)
            headline.targets += 1
            if signal == Signal.MET:
                headline.met += 1
            elif signal == Signal.MISSED:
                headline.missed += 1
            elif signal == Signal.ON_TRACK:
                headline.on_track += 1
            else:
                headline.behind += 1
        headline.goals = goal_checks(plan, scores.get((plan.province_id, year, None)))
        headlines.append(headline)
    return headlines


def current_plans():
    """{unit: plan}: the latest plan under way or finished (drafts are the province's own) of
    each province in force, where a plan of a province merged on 1/7/2025 counts for its
    successor until the successor has a plan of its own. Only the province's own plans (issued by
    its People's Committee) stand for it: a department's, a district's or a commune's plan does not."""
    latest = {}
    plans = (
        Plan.objects.exclude(status=Plan.Status.DRAFT)
        .filter(issuer_kind=Plan.IssuerKind.PROVINCE)
        .select_related("province", "province__successor")
    )
    for plan in plans.order_by("-year", "-issue_date", "-pk"):
        unit = plan.province.successor or plan.province
        latest.setdefault(unit, plan)
    return latest


NATIONAL_SORTS = {
    "province": lambda row: sort_key(row.unit.name),
    "completion": lambda row: (row.tally.completed_percent, sort_key(row.unit.name)),
    "overdue": lambda row: (row.tally.overdue, sort_key(row.unit.name)),
    "reporting": lambda row: (row.reporting_rate, sort_key(row.unit.name)),
    "on_time": lambda row: (row.on_time_rate, sort_key(row.unit.name)),
}


def national_overview(sort="province", today=None):
    """Every province's current plan with task completion and reporting rate, sorted by a
    key of NATIONAL_SORTS ("-" in front for descending; an unknown key sorts by province), then
    the units in force without a plan (plan None), by name."""
    key = sort.removeprefix("-")
    latest = current_plans()
    rows = cached_plan_summaries(list(latest.values()), today)
    for row, unit in zip(rows, latest, strict=True):
        row.unit = unit
    rows.sort(key=NATIONAL_SORTS.get(key, NATIONAL_SORTS["province"]), reverse=sort.startswith("-") and key in NATIONAL_SORTS)
    # Every unit in force has its row, after those with a plan: "chưa có kế hoạch".
    in_force = Province.objects.valid_on(today or timezone.localdate()).order_by(vietnamese("name"))
    return rows + [PlanSummary(None, TaskTally(), None, 0, 0, 0, unit=unit) for unit in in_force if unit not in latest]
