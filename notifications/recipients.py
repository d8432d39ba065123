"""Who is told of what, in one place. Each rule reads the same memberships as the access modules
(plans/access.py, reporting/access.py), so a notification only ever reaches someone who may open
what it is about, and its text carries nothing more than that reader may see:

- a report sent (submitted) → the plan's coordinators: the province's Sở Nội vụ staff
  (`coordinated_province_ids`: a coordinator's membership at the province's coordinating agency)
  and the staff of the plan's own coordinating agency (`coordinated_agency_ids`: Phòng Nội vụ of a
  district plan, a commune's committee), all of the plan's own province;
- returned, accepted, acceptance undone, period reopened for the agency, due in 3 days, overdue →
  the agency's reporters, while the plan is one they see (active or closed);
- a new comment → whoever takes part in the thread (reporting/access.py, `get_thread_for_user`):
  the report's agency's reporters; the plan's coordinators once the report has been sent (a draft
  is the agency's own); on a task's thread, also the reporters of the agencies that coordinate that
  task (and do not lead it) when the report's agency leads it. Never its author.

Administrators (who see everything) and viewers (provincial leaders, who read dashboards and
threads without posting) are not told: they follow the province, not a report's workflow.
Nobody is ever told of another province's report: every membership read here is at an agency of
the report's own province (a unit's former provinces not included: their plans are history, read
only). Inactive users are never told.
The actor is never told of what they did.

Each function reads a fixed number of queries, whatever the number of reports or readers.
"""

from collections import defaultdict

from django.db.models import Q

from plans.models import AgencyGroup, Membership, Plan, TaskAssignment
from reporting.models import Report

VISIBLE_TO_REPORTERS = (Plan.Status.ACTIVE, Plan.Status.CLOSED)  # plans.access.visible_plans


def _active(role):
    return Membership.objects.filter(role=role, user__is_active=True)


def coordinators(plans):
    """{plan id: set of user ids} of each plan's coordinators, of its own province (one query)."""
    plans = list({plan.pk: plan for plan in plans}.values())
    if not plans:
        return {}
    rows = (
        _active(Membership.Role.COORDINATOR)
        .filter(
            Q(agency__is_coordinator=True, agency__province_id__in={plan.province_id for plan in plans})
            | Q(agency_id__in={plan.coordinating_agency_id for plan in plans if plan.coordinating_agency_id})
        )
        .order_by()
        .values_list("user_id", "agency_id", "agency__province_id", "agency__is_coordinator")
    )
    found = defaultdict(set)
    for user_id, agency_id, province_id, is_coordinator in rows:
        for plan in plans:
            if province_id == plan.province_id and (is_coordinator or agency_id == plan.coordinating_agency_id):
                found[plan.pk].add(user_id)
    return found


def reporters(agency_ids):
    """{agency id: set of user ids} of each agency's active reporters (one query)."""
    found = defaultdict(set)
    rows = _active(Membership.Role.REPORTER).filter(agency_id__in=set(agency_ids)).order_by().values_list("agency_id", "user_id")
    for agency_id, user_id in rows:
        found[agency_id].add(user_id)
    return found


def agency_readers(reports, actor=None):
    """{report id: user ids} of the agency's reporters of each report (`period__plan` loaded)."""
    by_agency = reporters(report.agency_id for report in reports)
    return {
        report.pk: _without(by_agency[report.agency_id], actor) if report.period.plan.status in VISIBLE_TO_REPORTERS else set()
        for report in reports
    }


def plan_coordinators(reports, actor=None):
    """{report id: user ids} of the coordinators of each report's plan (`period__plan` loaded)."""
    by_plan = coordinators(report.period.plan for report in reports)
    return {report.pk: _without(by_plan[report.period.plan_id], actor) for report in reports}


def thread_readers(report, author, task=None):
    """Who takes part in a report's thread (task None) or a task's, but its author (`period__plan`
    loaded)."""
    plan = report.period.plan
    readers = set()
    if plan.status in VISIBLE_TO_REPORTERS:
        agencies = {report.agency_id} | (_coordinating_agencies(report, task) if task is not None else set())
        rows = _active(Membership.Role.REPORTER).filter(agency_id__in=agencies, agency__province_id=plan.province_id)
        readers |= set(rows.order_by().values_list("user_id", flat=True))
    if report.status in Report.SENT:
        readers |= plan_coordinators([report])[report.pk]
    return _without(readers, author)


def _coordinating_agencies(report, task):
    """The agencies that coordinate `task` and do not lead it, when the report's agency leads it
    (plans.obligations.assignees' rule for one task; two to four queries)."""
    rows = list(TaskAssignment.objects.filter(task=task).values_list("role", "agency_id", "group_id"))
    members = AgencyGroup.objects.filter(pk__in={group_id for *_, group_id in rows if group_id}).member_ids()
    roles = {TaskAssignment.Role.LEAD: set(), TaskAssignment.Role.COORDINATING: set()}
    for role, agency_id, group_id in rows:
        roles[role] |= {agency_id} if agency_id else members.get(group_id, set())
    if report.agency_id not in roles[TaskAssignment.Role.LEAD]:
        return set()
    return roles[TaskAssignment.Role.COORDINATING] - roles[TaskAssignment.Role.LEAD]


def deadline_readers(agency_periods):
    """{(agency id, period id): user ids} for the deadlines of agencies (periods with their plan)."""
    by_agency = reporters(agency.pk for agency, period in agency_periods)
    return {
        (agency.pk, period.pk): set(by_agency[agency.pk]) if period.plan.status in VISIBLE_TO_REPORTERS else set()
        for agency, period in agency_periods
        if agency.province_id == period.plan.province_id
    }


def _without(user_ids, actor):
    return set(user_ids) - ({actor.pk} if actor is not None else set())
