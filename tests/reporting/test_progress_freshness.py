"""Stored progress figures (the national view's snapshots, the dashboard's per-process part) are
never older than the last save, whichever way a row moves. Found by a review of the caches;
each of these failed before its fix."""

import datetime

import pytest

from indicators.models import Province
from plans.models import Agency, AgencyGroup, Plan, Task, TaskAssignment
from reporting import progress
from reporting.models import ReportingPeriod

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2020, 12, 20)


def stored(plan):
    """The national view's row, from its snapshot when the plan has not changed."""
    return progress.cached_plan_summaries([Plan.objects.get(pk=plan.pk)], TODAY)[0]


def computed(plan):
    return progress.plan_summaries([Plan.objects.get(pk=plan.pk)], TODAY)[0]


def test_a_task_moved_to_another_plan_leaves_the_old_plans_figures(an_giang_plan, dak_nong_plan):
    before = stored(dak_nong_plan)
    dashboard = progress.plan_progress(Plan.objects.get(pk=dak_nong_plan.pk), today=TODAY).tally.total
    task = dak_nong_plan.tasks.order_by("order").first()
    task.plan = an_giang_plan  # the task admin lets an administrator do this
    task.save()
    assert stored(dak_nong_plan).tally.total == computed(dak_nong_plan).tally.total == before.tally.total - 1
    assert progress.plan_progress(Plan.objects.get(pk=dak_nong_plan.pk), today=TODAY).tally.total == dashboard - 1


def test_a_period_moved_to_another_plan_leaves_the_old_plans_figures(an_giang_plan, dak_nong_plan):
    before = stored(dak_nong_plan)
    other = Plan.objects.create(province=an_giang_plan.province, year=2021, title="x", document_number="X/1", baseline_year=2020)
    before.period.plan = other
    before.period.save()
    assert stored(dak_nong_plan).period == computed(dak_nong_plan).period != before.period


def test_an_agency_moved_to_another_province_leaves_the_old_provinces_figures(an_giang_plan, dak_nong_plan):
    group = AgencyGroup.objects.filter(assignments__task__plan=dak_nong_plan).exclude(member_kind="").first()
    agency = Agency.objects.create(province=dak_nong_plan.province, kind=group.member_kind, name="Mới theo loại")
    before = stored(dak_nong_plan)
    agency.province = an_giang_plan.province
    agency.save()
    assert stored(dak_nong_plan).expected == computed(dak_nong_plan).expected == before.expected - 1


def test_joining_another_provinces_group_from_the_agencys_side_shows(an_giang_plan, dak_nong_plan):
    group = AgencyGroup.objects.create(province=dak_nong_plan.province, name="Nhóm liên tỉnh")
    task = Task.objects.create(plan=dak_nong_plan, number="Z.2", title="Nhiệm vụ")
    TaskAssignment.objects.create(task=task, group=group, role="lead")
    before = stored(dak_nong_plan)
    outsider = Agency.objects.create(province=an_giang_plan.province, name="Cơ quan ngoài tỉnh", kind="central")
    outsider.explicit_groups.add(group)
    assert stored(dak_nong_plan).expected == computed(dak_nong_plan).expected == before.expected + 1
    outsider.explicit_groups.clear()
    assert stored(dak_nong_plan).expected == before.expected


def test_the_dashboard_and_the_national_view_count_a_member_from_another_province(an_giang_plan, dak_nong_plan):
    group = AgencyGroup.objects.create(province=dak_nong_plan.province, name="Nhóm liên tỉnh")
    outsider = Agency.objects.create(province=an_giang_plan.province, name="Cơ quan ngoài tỉnh", kind="central")
    group.members.add(outsider)  # the group admin lets an administrator pick any agency
    TaskAssignment.objects.create(task=Task.objects.create(plan=dak_nong_plan, number="Z.2", title="t"), group=group, role="lead")
    dashboard = progress.plan_progress(Plan.objects.get(pk=dak_nong_plan.pk), today=TODAY)
    assert computed(dak_nong_plan).expected == dashboard.discipline.expected
    assert outsider in [record.agency for record in dashboard.records]


def test_sample_reports_and_the_load_tests_agencies_show(an_giang_plan):
    from devtools.loadtest import data
    from reporting.demo import load_demo_reports

    before = stored(an_giang_plan)
    assert load_demo_reports(an_giang_plan)
    after = stored(an_giang_plan)
    assert (
        (after.sent, after.tally)
        == (computed(an_giang_plan).sent, computed(an_giang_plan).tally)
        != (
            before.sent,
            before.tally,
        )
    )
    # The load test writes departments into the first province in force: they join its groups by kind.
    first = Province.objects.valid_on(datetime.date.today()).order_by("name").first()
    plan = Plan.objects.create(province=first, year=2020, title="t", document_number="R/1", baseline_year=2019)
    ReportingPeriod.objects.create(
        plan=plan,
        kind="year",
        start=datetime.date(2020, 1, 1),
        end=datetime.date(2020, 12, 14),
        due_date=datetime.date(2020, 12, 16),
    )
    group = AgencyGroup.objects.create(province=first, name="Các sở", member_kind="department")
    TaskAssignment.objects.create(task=Task.objects.create(plan=plan, number="1", title="t"), group=group, role="lead")
    stored(plan)
    data.prepare(3, 1)
    assert stored(plan).expected == computed(plan).expected


def test_saving_an_old_copy_of_a_plan_never_lowers_its_version(dak_nong_plan):
    copy = Plan.objects.get(pk=dak_nong_plan.pk)
    Task.objects.create(plan=dak_nong_plan, number="Z.1", title="Mới")  # raises the version
    raised = Plan.objects.get(pk=dak_nong_plan.pk).progress_version
    copy.title = "Tiêu đề mới"
    copy.save()
    saved = Plan.objects.get(pk=dak_nong_plan.pk)
    assert saved.title == "Tiêu đề mới" and saved.progress_version > raised  # the save raised it again
