"""The coordinator's inbox ("Việc cần làm"): across the plans the user runs, the reports waiting
for review (oldest first), the agencies that have not sent in open periods, the periods that
close or fall due this week, and the reopenings in force. Each count is the review queue's
for the same filter (readers.QueueFilter), which the page links to.

A fixed number of queries whatever the number of plans, periods, agencies or reports: the
periods; the plans' assignments, their groups' members (at most three); the reports' statuses;
the reopenings in force; the oldest waiting reports.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Case, Exists, OuterRef, Q, When
from django.utils import timezone

from indicators.models import Province
from papi_tracker import signed_preview
from papi_tracker.collation import vietnamese
from papi_tracker.ids import given_ids
from plans import access as plan_access
from plans.models import AgencyGroup, Plan, TaskAssignment

from . import access
from .models import PeriodReopening, Report, ReportingPeriod
from .readers import NOT_STARTED, PENDING

WAITING_SHOWN = 30  # the oldest waiting reports listed by name; the counts cover them all
SOON_DAYS = 7  # "this week": today and the six days after
# Rows listed per table (an administrator's inbox spans every plan of the country: hundreds of
# periods); the counts above the tables, and the line under each, cover them all.
ROWS_SHOWN = 50


@dataclass
class InboxPeriod:
    period: ReportingPeriod
    today: datetime.date
    expected: int = 0
    waiting: int = 0  # submitted, to review (the queue's "submitted")
    oldest_waiting: datetime.datetime | None = None
    pending: int = 0  # no final report yet (the queue's PENDING)
    not_started: int = 0
    reopened: int = 0  # owing agencies let back in now

    @property
    def is_open(self):
        return self.period.status == ReportingPeriod.Status.OPEN and not (
            self.period.closes_on and self.today > self.period.closes_on
        )

    @property
    def overdue(self):
        return self.today > self.period.due_date

    @property
    def closes_soon(self):
        return bool(self.period.closes_on) and _soon(self.period.closes_on, self.today)

    @property
    def due_soon(self):
        return _soon(self.period.due_date, self.today)


def _soon(day, today):
    return today <= day < today + datetime.timedelta(days=SOON_DAYS)


@dataclass
class Shown:
    """The first ROWS_SHOWN rows of a table, and how many more there are."""

    rows: list
    more: int = 0

    @classmethod
    def of(cls, rows):
        return cls(rows[:ROWS_SHOWN], max(len(rows) - ROWS_SHOWN, 0))


@dataclass
class Inbox:
    periods: list = field(default_factory=list)  # InboxPeriod, by due date
    waiting_reports: list = field(default_factory=list)  # the oldest WAITING_SHOWN submitted reports
    # An administrator's inbox is one province's at a time (the country's is hundreds of periods):
    # the provinces with plans to pick from, and the one picked (None: nothing read yet).
    provinces: list | None = None
    province: Province | None = None
    everything: bool = False  # every row of each table ("Xem tất cả"), not the first ROWS_SHOWN

    @property
    def to_pick(self):
        """Whether the page asks for a province before it shows anything."""
        return self.provinces is not None and self.province is None

    @property
    def to_review(self):
        """Periods with reports waiting, the longest waiting first."""
        rows = [row for row in self.periods if row.waiting]
        return sorted(rows, key=lambda row: row.oldest_waiting)

    @property
    def missing(self):
        """Open periods where agencies have not sent yet (late once past the due date)."""
        return [row for row in self.periods if row.is_open and row.pending]

    @property
    def closing(self):
        """Open periods whose due date or last day falls this week."""
        return [row for row in self.periods if row.is_open and (row.due_soon or row.closes_soon)]

    @property
    def reopenings(self):
        return [row for row in self.periods if row.reopened]

    @property
    def tables(self):
        """Each table's rows as the page lists them (Shown), by the name of its property."""
        names = ("to_review", "missing", "closing", "reopenings")
        if self.everything:
            return {name: Shown(getattr(self, name)) for name in names}
        return {name: Shown.of(getattr(self, name)) for name in names}

    @property
    def waiting_total(self):
        return sum(row.waiting for row in self.periods)

    @property
    def missing_total(self):
        return sum(row.pending for row in self.missing)

    @property
    def reopened_total(self):
        return sum(row.reopened for row in self.periods)

    @property
    def filters(self):
        return {"waiting": Report.Status.SUBMITTED, "pending": PENDING, "not_started": NOT_STARTED}


def owing_by_plan(plan_ids):
    """{plan id: {agency id…}}: plans.obligations.agencies_owing for many plans at once, in memory
    (a plan's groups are its province's: TaskAssignment.clean)."""
    rows = list(
        TaskAssignment.objects.filter(task__plan_id__in=plan_ids)
        .order_by()
        .values_list("task__plan_id", "agency_id", "group_id")
        .distinct()
    )
    group_ids = {group_id for _plan, _agency, group_id in rows if group_id}
    members = AgencyGroup.objects.filter(pk__in=group_ids).member_ids() if group_ids else {}
    owing = defaultdict(set)
    for plan_id, agency_id, group_id in rows:
        if agency_id:
            owing[plan_id].add(agency_id)
        else:
            owing[plan_id] |= members.get(group_id, set())
    return owing


def coordinator_inbox(user, today=None, province_id=None, everything=False):
    """What needs the coordinator now, over the plans they manage (plans.access.managed_plans);
    an administrator's, over the plans of the province `province_id` (one more query: the
    provinces to pick from), and nothing more until one is picked. Each table lists its first
    ROWS_SHOWN rows, or all of them with `everything`."""
    today = today or timezone.localdate()
    plans = plan_access.managed_plans(user)
    picking = {}
    if plan_access.is_administrator(user):
        provinces = list(Province.objects.filter(pk__in=Plan.objects.values("province_id")).order_by(vietnamese("name")))
        chosen = next((p for p in provinces if str(p.pk) == str(province_id)), None)
        picking = {"provinces": provinces, "province": chosen}
        if chosen is None:
            return Inbox(**picking)
        plans = plans.filter(province=chosen)
    in_force = PeriodReopening.objects.filter(period=OuterRef("pk"), until__gte=today)
    waiting = Report.objects.filter(period=OuterRef("pk"), status=Report.Status.SUBMITTED)
    periods = list(
        ReportingPeriod.objects.filter(plan__in=plans)
        .filter(Q(status=ReportingPeriod.Status.OPEN, plan__status=Plan.Status.ACTIVE) | Exists(waiting) | Exists(in_force))
        .select_related("plan", "plan__province")
        .order_by("due_date", "plan__province__name", "pk")
    )
    if not periods:
        return Inbox(**picking)
    owing = owing_by_plan({period.plan_id for period in periods})
    rows = {period.pk: InboxPeriod(period, today) for period in periods}
    for row in rows.values():
        row.expected = len(owing[row.period.plan_id])
    sent = defaultdict(dict)  # period id -> {agency id: (status, submitted at)}
    # Unordered (Report's ordering would join and sort every agency's name); the time read only
    # for the reports waiting, the one use of it (tens of thousands of rows over the country).
    report_rows = (
        Report.objects.filter(period__in=list(rows))
        .order_by()
        .annotate(waiting_since=Case(When(status=Report.Status.SUBMITTED, then="submitted_at")))
        .values_list("period_id", "agency_id", "status", "waiting_since")
    )
    for period_id, agency_id, status, submitted_at in report_rows:
        sent[period_id][agency_id] = (status, submitted_at)
    for period_id, row in rows.items():
        reports = sent[period_id]
        for agency_id in owing[row.period.plan_id]:
            status, submitted_at = reports.get(agency_id, (None, None))
            if status is None:
                row.not_started += 1
            if status not in Report.FINAL:
                row.pending += 1
            elif status == Report.Status.SUBMITTED:
                row.waiting += 1
                if submitted_at and (row.oldest_waiting is None or submitted_at < row.oldest_waiting):
                    row.oldest_waiting = submitted_at
    for period_id, agency_id in PeriodReopening.objects.filter(period__in=list(rows), until__gte=today).values_list(
        "period_id", "agency_id"
    ):
        if agency_id in owing[rows[period_id].period.plan_id]:
            rows[period_id].reopened += 1
    for row in rows.values():  # a report without a date sorts last
        if row.waiting and row.oldest_waiting is None:
            row.oldest_waiting = datetime.datetime.max.replace(tzinfo=datetime.UTC)
    oldest = (
        Report.objects.filter(period__in=list(rows), status=Report.Status.SUBMITTED)
        .select_related("agency")
        .order_by("submitted_at", "pk")[:WAITING_SHOWN]
    )
    waiting_reports = []
    for report in oldest:
        if report.agency_id in owing[rows[report.period_id].period.plan_id]:
            report.period = rows[report.period_id].period  # already read, with its plan
            waiting_reports.append(report)
    return Inbox(periods=list(rows.values()), waiting_reports=waiting_reports, everything=everything, **picking)


# --- acting on several agencies of the review queue at once ------------------------------

SELECTION_SALT = "reporting.bulk_accept"


def chosen_ids(values):
    """The ids ticked in the queue (the checkboxes' values), junk left out."""
    return given_ids(values)


@dataclass
class AcceptSelection:
    """The first step of accepting several reports: those that can be accepted, those that
    cannot (not submitted), and the signed token the confirmation sends back."""

    acceptable: list
    refused: list
    token: str = ""


def accept_selection(user, period, agency_ids):
    """The chosen agencies' reports of the period, as the user may see them (reporting.access),
    split into those submitted (to accept, signed with the version shown) and the others."""
    reports = list(
        access.visible_reports(user)
        .filter(period=period, agency_id__in=agency_ids)
        .select_related("agency")
        .order_by("agency__name", "pk")
    )
    acceptable = [r for r in reports if r.status == Report.Status.SUBMITTED]
    refused = [r for r in reports if r.status != Report.Status.SUBMITTED]
    token = signed_preview.sign({"period": period.pk, "reports": {r.pk: r.version for r in acceptable}}, SELECTION_SALT)
    return AcceptSelection(acceptable, refused, token if acceptable else "")


def load_selection(token, period):
    """{report id: version} from the confirmation's token, for this period only; InvalidPreview otherwise."""
    data = signed_preview.load(token, SELECTION_SALT)
    if not isinstance(data, dict) or data.get("period") != period.pk or not isinstance(data.get("reports"), dict):
        raise signed_preview.InvalidPreview
    return data["reports"]
