"""Read-side data for the reporting pages, as plain dataclasses: the to-do list, the report
sheet and the review queue. Each runs a fixed number of queries whatever the data size."""

from collections import defaultdict
from dataclasses import dataclass, field

import django_filters
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from papi_tracker.labels import label_of
from plans.access import visible_plans
from plans.models import Agency, AgencyKind, Task, TaskAssignment
from plans.obligations import agencies_owing, assignments_of, tasks_for_agency

from . import access
from .models import PeriodReopening, Report, ReportingPeriod, TaskProgress
from .progress import ReportingRates
from .workflow import days_until, is_on_time, submission_block

NOT_STARTED = "not_started"
# A filter of the review queue, not a status: no report the department can read as final yet
# (none, a draft, or a returned one being completed), as reminders count who still owes one.
PENDING = "pending"


class ReportState:
    """The state of an agency's report for a period, "not started" when there is none."""

    report: Report | None

    @property
    def status(self):
        return self.report.status if self.report else NOT_STARTED

    @property
    def status_label(self):
        return label_of(Report.Status, self.report.status) if self.report else _("Chưa báo cáo")


# --- the reporter's to-do list -------------------------------------------------------


@dataclass
class TodoItem(ReportState):
    period: ReportingPeriod
    agency: Agency
    report: Report | None
    days_left: int
    block: str | None

    @property
    def editable(self):
        return self.block is None and self.status in (NOT_STARTED, *Report.EDITABLE)


def todo_list(user, today=None):
    """The periods of the plans of the user's reporting agencies that concern them now: every
    open period, and a locked one where the agency was let back in or has a returned report."""
    today = today or timezone.localdate()
    agencies = list(access.reporter_agencies(user).select_related("province"))
    if not agencies:
        return []
    periods = list(
        ReportingPeriod.objects.filter(plan__in=visible_plans(user), plan__province__in={a.province_id for a in agencies})
        .filter(
            Q(status=ReportingPeriod.Status.OPEN)
            | Q(reopenings__agency__in=agencies, reopenings__until__gte=today)
            | Q(reports__agency__in=agencies, reports__status=Report.Status.RETURNED)
        )
        .distinct()
        .select_related("plan", "plan__province")
        .order_by("due_date", "plan__year")
    )
    reports = {(r.agency_id, r.period_id): r for r in Report.objects.filter(agency__in=agencies, period__in=periods)}
    reopened = {
        (r.agency_id, r.period_id)
        for r in PeriodReopening.objects.filter(agency__in=agencies, period__in=periods, until__gte=today)
    }
    items = []
    for agency in agencies:
        for period in periods:
            key = (agency.id, period.id)
            if period.plan.province_id != agency.province_id:
                continue
            report = reports.get(key)
            concerned = (
                period.status == ReportingPeriod.Status.OPEN
                or key in reopened
                or (report and report.status == Report.Status.RETURNED)
            )
            if concerned:
                block = submission_block(period, agency, today, reopened=key in reopened)
                items.append(TodoItem(period, agency, report, days_until(period.due_date, today), block))
    return items


# --- the report sheet: the form page and the read-only report page --------------------


@dataclass
class SheetRow:
    task: Task
    progress: TaskProgress | None
    role: str  # "lead" or "coordinating": how this agency takes part
    colleagues: list = field(default_factory=list)  # other agencies' sent answers, for a lead


@dataclass
class SheetSection:
    dimension: object
    rows: list
    answered: int = 0  # rows with a status, counted by the report form (reporting.report_entry)


@dataclass
class ReportSheet:
    agency: Agency
    period: ReportingPeriod
    report: Report | None
    sections: list

    @property
    def task_count(self):
        return sum(len(s.rows) for s in self.sections)


def report_sheet(user, agency, period, report=None):
    groups = access.agency_groups(agency)
    own_groups = {group.pk for group in groups}
    # Whether the agency leads each task, asked of the database: the sheet never shows the
    # assignments, and a plan's tasks have many (every coordinating agency and group).
    leads = assignments_of(agency, TaskAssignment.Role.LEAD, own_groups).filter(task=OuterRef("pk"))
    tasks = list(
        tasks_for_agency(agency, plan=period.plan, group_ids=own_groups)
        .select_related("dimension")
        .annotate(agency_leads=Exists(leads))
        .order_by("order", "id")
    )
    colleagues = defaultdict(list)
    if report is None or report.agency_id == agency.id:
        led = [task.pk for task in tasks if task.agency_leads]
        answers = access.colleague_answers(agency, period, led, groups)
        # The period's reports named again as a subquery: PostgreSQL then starts from them (a
        # hundred) through (report, task), instead of every period's answers to these tasks.
        answers = answers.filter(report__in=Report.objects.filter(period=period).values("pk"))
        for answer in answers if led else ():
            colleagues[answer.task_id].append(answer)
    progress = {}
    if report is not None:
        answers = report.progress.order_by().prefetch_related(access.evidence_files())
        if colleagues:  # which of them the lead's answers took in (one more query, for a lead only)
            answers = answers.prefetch_related(Prefetch("taken_in", TaskProgress.objects.only("pk"), to_attr="taken_in_list"))
        progress = {p.task_id: p for p in answers}
    sections = {}
    for task in tasks:
        role = "lead" if task.agency_leads else "coordinating"
        row = SheetRow(task, progress.get(task.pk), role, colleagues.get(task.pk, []))
        sections.setdefault(task.dimension, []).append(row)
    return ReportSheet(agency, period, report, [SheetSection(d, rows) for d, rows in sections.items()])


# --- the review queue -----------------------------------------------------------------


@dataclass
class QueueRow(ReportState):
    agency: Agency
    report: Report | None

    @property
    def kind_label(self):
        return label_of(AgencyKind, self.agency.kind)

    @property
    def submitted(self):
        return bool(self.report and self.report.first_submitted_at)

    @property
    def on_time(self):
        return self.submitted and is_on_time(self.report)


@dataclass
class ReviewQueue(ReportingRates):
    period: ReportingPeriod
    rows: list  # after filtering
    expected: int
    submitted: int
    on_time: int
    by_status: dict
    filters: object = None

    @property
    def overdue(self):
        return timezone.localdate() > self.period.due_date

    @property
    def sent_count(self):
        return self.submitted

    @property
    def pending(self):
        """Agencies with no final report yet (the filter PENDING)."""
        return sum(n for status, n in self.by_status.items() if status not in Report.FINAL)

    @property
    def on_time_count(self):
        return self.on_time


class QueueFilter(django_filters.FilterSet):
    """Filters of the review queue: report status (with "not started" and "not sent yet"), kind
    of agency, and whether the agency is let back in now (a reopening in force)."""

    status = django_filters.ChoiceFilter(
        label=_("Tình trạng báo cáo"),
        choices=[(NOT_STARTED, _("Chưa báo cáo")), (PENDING, _("Chưa gửi hoặc đang bổ sung"))] + list(Report.Status.choices),
        method="filter_status",
        empty_label=_("Tất cả"),
    )
    kind = django_filters.ChoiceFilter(label=_("Loại cơ quan"), choices=AgencyKind.choices, empty_label=_("Tất cả"))
    reopened = django_filters.ChoiceFilter(
        label=_("Mở lại"), choices=[("1", _("Đang được mở lại"))], method="filter_reopened", empty_label=_("Tất cả")
    )

    class Meta:
        model = Agency
        fields = ["status", "kind", "reopened"]

    def __init__(self, *args, period, **kwargs):
        self.period = period
        super().__init__(*args, **kwargs)

    def filter_status(self, queryset, name, value):
        if value == NOT_STARTED:
            return queryset.exclude(reports__period=self.period)
        if value == PENDING:
            return queryset.exclude(pk__in=Report.objects.filter(period=self.period).final().values("agency_id"))
        return queryset.filter(reports__period=self.period, reports__status=value)

    def filter_reopened(self, queryset, name, value):
        in_force = PeriodReopening.objects.filter(period=self.period, until__gte=timezone.localdate())
        return queryset.filter(pk__in=in_force.values("agency_id"))


def review_queue(period, filter_data=None):
    """Every agency that owes the period a report, filtered for the page, with counts over all.
    Queries: owing agencies, the period's reports, the filtered agencies."""
    owing = agencies_owing(period.plan)
    reports = {r.agency_id: r for r in Report.objects.filter(period=period).select_related("period")}
    all_rows = [QueueRow(agency, reports.get(agency.pk)) for agency in owing]
    filters = QueueFilter(filter_data or None, queryset=owing, period=period)
    shown_ids = set(filters.qs.values_list("pk", flat=True)) if filters.is_bound and filters.is_valid() else None
    by_status = defaultdict(int)
    for row in all_rows:
        by_status[row.status] += 1
    return ReviewQueue(
        period=period,
        rows=[row for row in all_rows if shown_ids is None or row.agency.pk in shown_ids],
        expected=len(all_rows),
        submitted=sum(row.submitted for row in all_rows),
        on_time=sum(row.on_time for row in all_rows),
        by_status=dict(by_status),
        filters=filters,
    )
