"""Fixtures shared by the reporting tests: Đắk Nông's year period and one of its communes, and
a small plan with known reports whose progress is worked out by hand."""

import datetime
from decimal import Decimal

import pytest

from indicators.models import Dimension
from plans.models import Agency, AgencyGroup, Plan, Target, Task, TaskAssignment
from reporting.models import ReportingPeriod
from tests.factories import report


@pytest.fixture
def commune(dak_nong_plan):
    return Agency.objects.get(name="UBND xã Đắk Nia")


@pytest.fixture
def year(dak_nong_plan):
    return dak_nong_plan.periods.get(kind="year")


@pytest.fixture
def small_plan(an_giang_plan):
    """A plan of five tasks with known reports (worked out in the tests below):

    T1 dim 1, lead Sở Y tế, due 30/6            Y tế: completed (6 months and 9 months)
    T2 dim 1, leads Sở Y tế + Sở Nội vụ, 31/3   Y tế completed; Nội vụ 50 % at 6 months, completed at 9
    T3 dim 2, lead group UBND cấp huyện, ongoing no answers
    T4 dim 2, lead Sở Tư pháp, due 30/9         completed only in a draft and in a returned report
    T5 general, lead Nội vụ, coord. Y tế        Nội vụ not started; Y tế in progress, then completed,
                                                 with difficulties at 9 months
    Periods: 6 months (cut-off 14/6, due 16/6) and 9 months (14/9, due 16/9).
    """
    province = an_giang_plan.province
    plan = Plan.objects.create(
        province=province, year=2020, title="Kế hoạch thử", document_number="T-1/KH-UBND", baseline_year=2018
    )
    dims = {d.number: d for d in Dimension.objects.for_year(2020)}
    Target.objects.create(plan=plan, dimension=dims[1], baseline_score=Decimal("4.5598"), target_score=Decimal("5.40"))
    Target.objects.create(plan=plan, dimension=dims[2], target_group=2)
    agency = {name: Agency.objects.get(province=province, name=name) for name in ("Sở Y tế", "Sở Nội vụ", "Sở Tư pháp")}
    districts = AgencyGroup.objects.get(province=province, name="UBND cấp huyện")

    def task(number, dimension, due, leads, coordinating=()):
        made = Task.objects.create(
            plan=plan,
            number=number,
            order=int(number[1]),
            title=f"Nhiệm vụ {number}",
            dimension=dims.get(dimension),
            timeframe_kind="deadline" if due else "ongoing",
            due_date=due,
        )
        for lead in leads:
            kind = "group" if isinstance(lead, AgencyGroup) else "agency"
            TaskAssignment.objects.create(task=made, role="lead", **{kind: lead})
        for other in coordinating:
            TaskAssignment.objects.create(task=made, role="coordinating", agency=other)
        return made

    t = {
        "T1": task("T1", 1, datetime.date(2020, 6, 30), [agency["Sở Y tế"]]),
        "T2": task("T2", 1, datetime.date(2020, 3, 31), [agency["Sở Y tế"], agency["Sở Nội vụ"]]),
        "T3": task("T3", 2, None, [districts]),
        "T4": task("T4", 2, datetime.date(2020, 9, 30), [agency["Sở Tư pháp"]]),
        "T5": task("T5", None, None, [agency["Sở Nội vụ"]], [agency["Sở Y tế"]]),
    }
    half = ReportingPeriod.objects.create(
        plan=plan, kind="half_year", start=datetime.date(2019, 12, 15), end=datetime.date(2020, 6, 14),
        due_date=datetime.date(2020, 6, 16),
    )  # fmt: skip
    nine = ReportingPeriod.objects.create(
        plan=plan, kind="nine_months", start=datetime.date(2019, 12, 15), end=datetime.date(2020, 9, 14),
        due_date=datetime.date(2020, 9, 16),
    )  # fmt: skip
    health, home, justice = agency["Sở Y tế"], agency["Sở Nội vụ"], agency["Sở Tư pháp"]
    report(
        health,
        half,
        "accepted",
        datetime.date(2020, 6, 15),
        [(t["T1"], "completed", 100, ""), (t["T2"], "completed", 100, ""), (t["T5"], "in_progress", 30, "")],
    )
    report(
        home,
        half,
        "submitted",
        datetime.date(2020, 6, 20),  # 4 days late
        [(t["T2"], "in_progress", 50, ""), (t["T5"], "not_started", 0, "")],
    )
    report(justice, half, "draft", None, [(t["T4"], "completed", 100, "")])
    report(
        health,
        nine,
        "submitted",
        datetime.date(2020, 9, 14),
        [(t["T1"], "completed", 100, ""), (t["T2"], "completed", 100, ""), (t["T5"], "completed", 100, "Thiếu kinh phí")],
    )
    report(home, nine, "submitted", datetime.date(2020, 9, 16), [(t["T2"], "completed", 100, "")])  # on the due date
    report(justice, nine, "returned", datetime.date(2020, 9, 20), [(t["T4"], "completed", 100, "")])  # fmt: skip
    return {"plan": plan, "tasks": t, "half": half, "nine": nine, "agency": agency, "districts": districts}
