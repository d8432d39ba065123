"""A national dataset for measuring speed: every province in force, several plan-years each,
about 100 tasks a plan (a third led by all the commune People's Committees), about 120
agencies a province, four quarterly periods a year and a report from almost every agency
for each, with its answers — about two million TaskProgress rows at full scale.

Reproducible: one seed decides everything. Written with bulk inserts in batches, so it runs
on PostgreSQL in minutes. Everything it writes is marked "mô phỏng" (simulated) and lives
in plans numbered "MP-…", so it is never mistaken for a province's own data."""

import datetime
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from indicators.models import Dimension, Province
from plans.models import Agency, AgencyGroup, AgencyKind, Plan, Target, Task, TaskAssignment, touch_plans
from reporting.models import Report, ReportingPeriod, TaskProgress

MARK = "MP-"  # the document numbers of simulated plans
BATCH = 5000


@dataclass(frozen=True)
class Scale:
    provinces: int = 34
    years: int = 5
    tasks: int = 100
    departments: int = 20
    communes: int = 100
    periods: int = 4  # quarters
    first_year: int = 2021
    sent_share: float = 0.9  # of the reports due, how many are sent


FULL = Scale()
SMALL = Scale(provinces=2, years=1, tasks=6, departments=3, communes=4, periods=2)


def _quarter_window(year, quarter):
    # Decree 09/2019: 15th of the month before the quarter to the 14th of its last month.
    start_month = 3 * quarter - 3
    start = datetime.date(year - 1, 12, 15) if quarter == 1 else datetime.date(year, start_month, 15)
    end = datetime.date(year, 3 * quarter, 14)
    return start, end, end + datetime.timedelta(days=3)


def _agencies(province, scale):
    has_coordinator = Agency.objects.filter(province=province, is_coordinator=True).exists()
    agencies = [
        Agency(
            province=province, name=f"Sở Nội vụ ({MARK}mô phỏng)", kind=AgencyKind.DEPARTMENT, is_coordinator=not has_coordinator
        )
    ]
    agencies += [
        Agency(province=province, name=f"Sở {index:02d} ({MARK}mô phỏng)", kind=AgencyKind.DEPARTMENT)
        for index in range(1, scale.departments)
    ]
    agencies += [
        Agency(province=province, name=f"UBND xã {index:03d} ({MARK}mô phỏng)", kind=AgencyKind.COMMUNE_COMMITTEE)
        for index in range(1, scale.communes + 1)
    ]
    return Agency.objects.bulk_create(agencies)  # figures: unchanged (new agencies, in no plan yet)


def generate(scale=FULL, seed=2026, today=None, log=None):
    """Write the dataset; returns the counts of what it wrote. Refuses if simulated plans exist."""
    if Plan.objects.filter(document_number__startswith=MARK).exists():
        raise ValueError("Simulated data is already there: remove it first (remove()).")
    rng = random.Random(seed)
    today = today or timezone.localdate()
    provinces = list(Province.objects.valid_on(today).order_by("name")[: scale.provinces])
    counts = {"provinces": len(provinces), "agencies": 0, "plans": 0, "tasks": 0, "reports": 0, "answers": 0}
    for number, province in enumerate(provinces, start=1):
        with transaction.atomic():
            _province(province, scale, rng, counts)
        if log:
            log(f"{number}/{len(provinces)} {province.name}: {counts['answers']} answers so far")
    return counts


def _province(province, scale, rng, counts):
    agencies = _agencies(province, scale)
    departments = [a for a in agencies if a.kind == AgencyKind.DEPARTMENT]
    communes = [a for a in agencies if a.kind == AgencyKind.COMMUNE_COMMITTEE]
    group, _created = AgencyGroup.objects.get_or_create(
        province=province, name=f"UBND cấp xã ({MARK}mô phỏng)", defaults={"member_kind": AgencyKind.COMMUNE_COMMITTEE}
    )
    counts["agencies"] += len(agencies)
    for offset in range(scale.years):
        year = scale.first_year + offset
        dimensions = list(Dimension.objects.for_year(year).order_by("number"))
        plan = Plan.objects.create(
            province=province,
            year=year,
            title=f"Kế hoạch nâng cao Chỉ số PAPI năm {year} (dữ liệu mô phỏng)",
            document_number=f"{MARK}{year}/KH-UBND",
            baseline_year=year - 1,
            status=Plan.Status.ACTIVE,
        )
        counts["plans"] += 1
        Target.objects.bulk_create(Target(plan=plan, dimension=d, target_score=round(rng.uniform(4, 8), 2)) for d in dimensions)
        tasks = Task.objects.bulk_create(
            Task(
                plan=plan,
                dimension=dimensions[index % len(dimensions)],
                number=str(index + 1),
                order=index + 1,
                title=f"Nhiệm vụ mô phỏng {index + 1}",
                timeframe_kind=Task.TimeframeKind.DEADLINE if index % 4 == 0 else Task.TimeframeKind.ONGOING,
                due_date=datetime.date(year, 3 * (1 + index % 4), 28) if index % 4 == 0 else None,
            )
            for index in range(scale.tasks)
        )
        counts["tasks"] += len(tasks)
        assignments, owing = [], {}  # owing: agency → its task ids
        for index, task in enumerate(tasks):
            if index % 3 == 0:  # a third led by every commune
                assignments.append(TaskAssignment(task=task, role=TaskAssignment.Role.LEAD, group=group))
                for commune in communes:
                    owing.setdefault(commune.pk, []).append(task.pk)
            else:
                lead, *others = rng.sample(departments, min(len(departments), 1 + rng.randint(0, 2)))
                assignments.append(TaskAssignment(task=task, role=TaskAssignment.Role.LEAD, agency=lead))
                assignments += [TaskAssignment(task=task, role=TaskAssignment.Role.COORDINATING, agency=a) for a in others]
                for agency in [lead, *others]:
                    owing.setdefault(agency.pk, []).append(task.pk)
        TaskAssignment.objects.bulk_create(assignments, batch_size=BATCH)
        periods = ReportingPeriod.objects.bulk_create(
            ReportingPeriod(plan=plan, kind=ReportingPeriod.Kind.QUARTER, quarter=q, start=s, end=e, due_date=d)
            for q, (s, e, d) in ((q, _quarter_window(year, q)) for q in range(1, scale.periods + 1))
        )
        _reports(periods, owing, scale, rng, counts)
        touch_plans([plan.pk])  # a new plan: nothing is stored for it yet, but keep the rule


STATUSES = [TaskProgress.Status.NOT_STARTED, TaskProgress.Status.IN_PROGRESS, TaskProgress.Status.COMPLETED]


def _reports(periods, owing, scale, rng, counts):
    for number, period in enumerate(periods, start=1):
        share = number / len(periods)  # how far the year has come
        reports = []
        for agency_id in sorted(owing):
            if rng.random() > scale.sent_share:
                continue
            late = rng.random() < 0.15
            sent = timezone.make_aware(datetime.datetime.combine(period.due_date, datetime.time(9)))
            sent += datetime.timedelta(days=rng.randint(1, 10) if late else -rng.randint(0, 3))
            status = Report.Status.ACCEPTED if rng.random() < 0.6 else Report.Status.SUBMITTED
            reports.append(
                Report(agency_id=agency_id, period=period, status=status, submitted_at=sent, first_submitted_at=sent, version=1)
            )
        Report.objects.bulk_create(reports, batch_size=BATCH)
        counts["reports"] += len(reports)
        answers = []
        for report in reports:
            for task_id in owing[report.agency_id]:
                draw = rng.random()
                status = STATUSES[2] if draw < share * 0.7 else STATUSES[1] if draw < 0.92 else STATUSES[0]
                percent = 100 if status == STATUSES[2] else (rng.choice([10, 30, 50, 70, 90]) if status == STATUSES[1] else 0)
                answers.append(
                    TaskProgress(report=report, task_id=task_id, status=status, percent_done=percent, narrative="Mô phỏng.")
                )
                if len(answers) >= BATCH:
                    TaskProgress.objects.bulk_create(answers)
                    counts["answers"] += len(answers)
                    answers = []
        TaskProgress.objects.bulk_create(answers)
        counts["answers"] += len(answers)
    touch_plans({period.plan_id for period in periods})


@transaction.atomic
def remove():
    """Delete every simulated row (plans marked MP-, their agencies and groups)."""
    plans = Plan.objects.filter(document_number__startswith=MARK)
    TaskProgress.objects.filter(report__period__plan__in=plans).delete()
    Report.objects.filter(period__plan__in=plans).delete()
    TaskAssignment.objects.filter(task__plan__in=plans).delete()
    Task.objects.filter(plan__in=plans).delete()
    plans.delete()
    AgencyGroup.objects.filter(name__contains=f"({MARK}mô phỏng)").delete()
    Agency.objects.filter(name__contains=f"({MARK}mô phỏng)").delete()
