"""The admin a coordinator works in does a fixed number of queries per page, whatever the size
of the country: every list (with and without its plan filter) and every change page, as a
province's coordinator and as an administrator, on the demo data and again after many more
plans, tasks, reports and answers across provinces (tests/factories.py). The same count on a
demo-only database as on the national one (issue 18). DEVELOPING.md, "Speed": no query per row
or per plan in admin lists and their filters, no full count on the largest lists."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from indicators.models import Province, SubDimension
from plans.models import Agency, AgencyGroup, AgencyKind, Membership, Plan, PlanAmendment, Target, Task, TaskAssignment
from reporting.calendar import create_periods
from reporting.models import Comment, EvidenceFile, PeriodReopening, ReminderLog, TaskProgress
from tests.factories import add_communes, add_tasks, at, grow_plan, make_reporter, report

pytestmark = pytest.mark.django_db


def _page_objects(plan):
    """The rows the change pages open: An Giang's, present at both data sizes."""
    health = Agency.objects.get(province=plan.province, name="Sở Y tế")
    tasks = list(Task.objects.filter(plan=plan).order_by("order", "pk")[:3])
    period = plan.periods.get(kind="year")
    report_ = report(health, period, "submitted", sent_on=period.due_date, answers=[(t, "completed", 100, "") for t in tasks])
    answer = TaskProgress.objects.filter(report=report_).order_by("pk").first()
    coordinator_agency = Agency.objects.get(province=plan.province, is_coordinator=True)
    reopening = PeriodReopening.objects.create(
        period=report_.period, agency=report_.agency, until=datetime.date(2030, 1, 1), reason="Thử"
    )
    reminder = ReminderLog.objects.create(period=report_.period, agency=report_.agency, sent_at=at(datetime.date(2020, 6, 1)))
    evidence = EvidenceFile.objects.create(
        progress=answer, file="evidence/thu.pdf", original_name="thu.pdf", content_type="application/pdf", size=10
    )
    amendment = PlanAmendment.objects.create(plan=plan, number="1/QĐ-UBND", issued_on=datetime.date(2020, 6, 1), summary="Thử")
    comment = Comment.objects.create(report=report_, task=answer.task, agency=report_.agency, body="Thử")
    return {
        "amendment": amendment,
        "comment": comment,
        "plan": plan,
        "task": Task.objects.filter(plan=plan).order_by("pk").first(),
        "target": Target.objects.filter(plan=plan).order_by("pk").first(),
        "period": report_.period,
        "report": report_,
        "answer": answer,
        "agency": coordinator_agency,
        "group": AgencyGroup.objects.filter(province=plan.province).order_by("pk").first(),
        "reopening": reopening,
        "reminder": reminder,
        "evidence": evidence,
    }


def _pages(objects):
    """Name → URL of every admin page a coordinator uses (administrators use them too)."""
    plan = objects["plan"]
    pages = {}
    for name in (
        "plans_plan", "plans_task", "plans_target", "plans_taskassignment", "plans_agency", "plans_agencygroup",
        "reporting_reportingperiod", "reporting_report", "reporting_taskprogress", "reporting_periodreopening",
        "reporting_evidencefile", "reporting_reminderlog", "reporting_comment", "plans_planamendment", "indicators_score",
        "indicators_province",
    ):  # fmt: skip
        pages[f"{name} list"] = reverse(f"admin:{name}_changelist")
    pages["plans_task list of the plan"] = reverse("admin:plans_task_changelist") + f"?plan__id__exact={plan.pk}"
    pages["plans_target list of the plan"] = reverse("admin:plans_target_changelist") + f"?plan__id__exact={plan.pk}"
    pages["plans_taskassignment list of the plan"] = (
        reverse("admin:plans_taskassignment_changelist") + f"?task__plan__id__exact={plan.pk}"
    )
    pages["reporting_reportingperiod list of the plan"] = (
        reverse("admin:reporting_reportingperiod_changelist") + f"?plan__id__exact={plan.pk}"
    )
    pages["reporting_report list of the plan"] = (
        reverse("admin:reporting_report_changelist") + f"?period__plan__id__exact={plan.pk}"
    )
    pages["reporting_taskprogress list of the plan"] = (
        reverse("admin:reporting_taskprogress_changelist") + f"?report__period__plan__id__exact={plan.pk}"
    )
    pages["plans_task search"] = reverse("admin:plans_task_changelist") + "?q=PAPI"
    for name, key in (
        ("plans_plan", "plan"), ("plans_task", "task"), ("plans_target", "target"), ("reporting_reportingperiod", "period"),
        ("reporting_report", "report"), ("reporting_taskprogress", "answer"), ("plans_agency", "agency"),
        ("plans_agencygroup", "group"), ("reporting_periodreopening", "reopening"), ("reporting_reminderlog", "reminder"),
        ("reporting_evidencefile", "evidence"), ("reporting_comment", "comment"), ("plans_planamendment", "amendment"),
    ):  # fmt: skip
        pages[f"{name} change"] = reverse(f"admin:{name}_change", args=[objects[key].pk])
    pages["plans_task add"] = reverse("admin:plans_task_add") + f"?plan={plan.pk}"
    pages["plans_plan add"] = reverse("admin:plans_plan_add")
    pages["admin index"] = reverse("admin:index")
    return pages


ADMINISTRATORS_ONLY = {
    "plans_membership list": lambda objects: reverse("admin:plans_membership_changelist"),
    "auth_user list": lambda objects: reverse("admin:auth_user_changelist"),
    "reporting_export list": lambda objects: reverse("admin:reporting_export_changelist"),
    "otp_totp_totpdevice list": lambda objects: reverse("admin:otp_totp_totpdevice_changelist"),
    "otp_static_staticdevice list": lambda objects: reverse("admin:otp_static_staticdevice_changelist"),
    "plans_membership change": lambda objects: reverse(
        "admin:plans_membership_change", args=[Membership.objects.filter(agency=objects["agency"]).first().pk]
    ),
    "auth_user change": lambda objects: reverse(
        "admin:auth_user_change", args=[Membership.objects.filter(agency=objects["agency"]).first().user_id]
    ),
}


def grow_the_country(an_giang_plan, objects, provinces=4, plans_each=2):
    """Many more plans, tasks, reports and answers: in An Giang (its plan grows, and it gets more
    plans) and in other provinces, each plan with its periods and sent reports with answers; and
    more rows on the pages opened (the report's answers, the task's agencies, the plan's targets)."""
    grow_plan(an_giang_plan, tasks=40, communes=12)
    answered = objects["report"].progress.values("task_id")
    for task in Task.objects.filter(plan=an_giang_plan).exclude(pk__in=answered)[:30]:
        TaskProgress.objects.create(report=objects["report"], task=task, status="in_progress", percent_done=10)
    for agency in Agency.objects.filter(province=an_giang_plan.province).exclude(assignments__task=objects["task"])[:8]:
        TaskAssignment.objects.create(task=objects["task"], agency=agency, role="coordinating")
    targeted = an_giang_plan.targets.values("sub_dimension_id")
    for sub in SubDimension.objects.for_year(an_giang_plan.year).exclude(pk__in=targeted).select_related("dimension")[:8]:
        Target.objects.create(plan=an_giang_plan, dimension=sub.dimension, sub_dimension=sub, target_score=6)
    dimension = an_giang_plan.targets.order_by("pk").first().dimension
    others = Province.objects.exclude(pk=an_giang_plan.province_id).filter(valid_until__isnull=True).order_by("code")
    for province in [an_giang_plan.province, *others[:provinces]]:
        if not province.agencies.filter(name="Sở Nội vụ").exists():
            Agency.objects.create(province=province, name="Sở Nội vụ", kind=AgencyKind.DEPARTMENT)
        AgencyGroup.objects.get_or_create(
            province=province, name="Nhóm thử", defaults={"member_kind": AgencyKind.COMMUNE_COMMITTEE}
        )
        communes = add_communes(province, 3, start=900)
        for commune in communes:  # their people, with their second factor (accounts/admin.py's lists)
            user = make_reporter(f"thu.{commune.pk}", commune)
            TOTPDevice.objects.create(user=user, name="điện thoại", confirmed=True)
            StaticDevice.objects.create(user=user, name="mã dự phòng", confirmed=True)
        for index in range(plans_each):
            plan = Plan.objects.create(
                province=province, year=2020 + index, title="Kế hoạch thêm", document_number=f"T{index}/KH-{province.code}",
                baseline_year=2019 + index, status=Plan.Status.ACTIVE,
            )  # fmt: skip
            tasks = add_tasks(plan, 15)
            Target.objects.create(plan=plan, dimension=dimension, target_score=6)
            PlanAmendment.objects.create(plan=plan, number="2/QĐ", issued_on=datetime.date(2020 + index, 6, 1), summary="Thêm")
            for period in create_periods(plan):
                for commune in communes:
                    made = report(commune, period, "submitted", sent_on=period.due_date,
                                  answers=[(task, "in_progress", 50, "") for task in tasks[:4]])  # fmt: skip
                    Comment.objects.create(report=made, task=tasks[0], agency=commune, body="Ý kiến")


def _counts(client, pages):
    counts = {}
    for name, url in pages.items():
        ContentType.objects.clear_cache()  # the process keeps them after a first page: count them each time
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (name, url, response.status_code)
        counts[name] = len(queries.captured_queries)
    return counts


@pytest.mark.parametrize("role", ["coordinator", "administrator"])
def test_every_admin_page_does_as_many_queries_for_a_country_as_for_the_demo(client, request, role, an_giang_plan):
    user = request.getfixturevalue(role)
    objects = _page_objects(an_giang_plan)
    pages = _pages(objects)
    if role == "administrator":
        pages |= {name: url(objects) for name, url in ADMINISTRATORS_ONLY.items()}
    client.force_login(user)
    client.get(reverse("admin:index"))  # the session and its caches, as after a real login
    demo = _counts(client, pages)
    grow_the_country(an_giang_plan, objects)
    country = _counts(client, pages)
    assert {name: (demo[name], count) for name, count in country.items() if count != demo[name]} == {}


def test_another_provinces_coordinator_gets_none_of_these_pages(client, other_province_coordinator, an_giang_plan):
    """Scope holds on every page measured above: An Giang's rows are a 404 for Đắk Nông's
    coordinator, and no list, filter or form of theirs names An Giang (reference data aside)."""
    pages = _pages(_page_objects(an_giang_plan))
    client.force_login(other_province_coordinator)
    for name, url in pages.items():
        response = client.get(url)
        if name.endswith(" change"):
            assert response.status_code == 404, name
        elif not name.startswith("indicators_"):
            assert response.status_code == 200, name
            assert "An Giang" not in response.text, name
