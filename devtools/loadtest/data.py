"""The load test's own data, so a run neither depends on nor touches what is already there:
one plan numbered "KTT-…" (kiểm thử tải) in the first province in force, with an open period
due in a month, one agency per reporter with its tasks, and the reporter and coordinator
users, all with one random password. Each run removes the previous run's data first."""

import datetime
import secrets
from dataclasses import asdict, dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import transaction
from django.utils import timezone

from indicators.models import Province
from plans.models import Agency, AgencyKind, Membership, Plan, Task, TaskAssignment, touch_plans
from reporting.models import Report, ReportingPeriod, TaskProgress

MARK = "KTT-"  # the document number of the load-test plan
LABEL = "(KTT kiểm thử tải)"  # ends the names of its agencies
USER_PREFIX = "kiemthutai."
TASKS_PER_AGENCY = 4


@dataclass
class Cast:
    """What the locust scenario needs: who logs in, for which agency and period."""

    plan: int
    period: int
    password: str
    reporters: list  # [{"username": …, "agency": id}]
    coordinators: list  # [username]

    def as_dict(self):
        return asdict(self)


def _password_hash(password):
    # The servers run the production settings, whose first hasher is PBKDF2 (the test
    # settings' fast hasher is unknown there). Hashed once: every user gets the same hash.
    hasher = PBKDF2PasswordHasher()
    return hasher.encode(password, hasher.salt())


@transaction.atomic
def prepare(reporters, coordinators, today=None):
    """Remove any previous load-test data and write a fresh cast; returns it."""
    remove()
    today = today or timezone.localdate()
    province = Province.objects.valid_on(today).order_by("name").first()
    if province is None:
        raise ValueError("No province in the database: load the reference data first (manage.py load_reference).")
    headquarters = Agency.objects.filter(province=province, is_coordinator=True).first() or Agency.objects.create(
        province=province, name=f"Sở Nội vụ {LABEL}", is_coordinator=True
    )
    plan = Plan.objects.create(
        province=province,
        year=today.year,
        baseline_year=today.year - 1,
        title="Kế hoạch kiểm thử tải (không phải số liệu thật)",
        document_number=f"{MARK}{today.year}/KH-UBND",
    )
    period = ReportingPeriod.objects.create(
        plan=plan,
        kind=ReportingPeriod.Kind.YEAR,
        start=today - datetime.timedelta(days=90),
        end=today,
        due_date=today + datetime.timedelta(days=30),
    )
    agencies = Agency.objects.bulk_create(
        Agency(province=province, name=f"Cơ quan {number:03d} {LABEL}", kind=AgencyKind.DEPARTMENT)
        for number in range(1, reporters + 1)
    )
    # New departments join the province's groups by kind: its real plans' figures change too.
    touch_plans(Plan.objects.filter(province=province).values("pk"))
    tasks = Task.objects.bulk_create(
        Task(plan=plan, number=f"{a}.{t}", order=a * 100 + t, title=f"Nhiệm vụ kiểm thử tải {a}.{t}")
        for a in range(1, reporters + 1)
        for t in range(1, TASKS_PER_AGENCY + 1)
    )
    TaskAssignment.objects.bulk_create(
        TaskAssignment(task=task, role=TaskAssignment.Role.LEAD, agency=agencies[index // TASKS_PER_AGENCY])
        for index, task in enumerate(tasks)
    )
    password = secrets.token_urlsafe(16)
    hashed = _password_hash(password)
    User = get_user_model()
    reporter_users = User.objects.bulk_create(
        User(username=f"{USER_PREFIX}bcv{number:03d}", password=hashed) for number in range(1, reporters + 1)
    )
    coordinator_users = User.objects.bulk_create(
        User(username=f"{USER_PREFIX}dp{number:02d}", password=hashed) for number in range(1, coordinators + 1)
    )
    Membership.objects.bulk_create(
        [Membership(user=u, agency=a, role=Membership.Role.REPORTER) for u, a in zip(reporter_users, agencies, strict=True)]
        + [Membership(user=u, agency=headquarters, role=Membership.Role.COORDINATOR) for u in coordinator_users]
    )
    return Cast(
        plan=plan.pk,
        period=period.pk,
        password=password,
        reporters=[{"username": u.username, "agency": a.pk} for u, a in zip(reporter_users, agencies, strict=True)],
        coordinators=[u.username for u in coordinator_users],
    )


def load_test_plan():
    return Plan.objects.filter(document_number__startswith=MARK).first()


@transaction.atomic
def remove():
    """Delete every row a load test wrote: its plan, reports (and their history), agencies, users."""
    plans = Plan.objects.filter(document_number__startswith=MARK)
    reports = Report.objects.filter(period__plan__in=plans)
    TaskProgress.history.filter(report_id__in=reports.values("pk")).delete()
    Report.history.filter(period_id__in=ReportingPeriod.objects.filter(plan__in=plans).values("pk")).delete()
    reports.delete()
    plans.delete()
    get_user_model().objects.filter(username__startswith=USER_PREFIX).delete()
    Agency.objects.filter(name__endswith=LABEL).delete()
