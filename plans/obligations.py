"""Which agencies must report on which tasks, expanding groups such as "UBND cấp xã" (who
belongs to a group: plans.models.AgencyGroupQuerySet)."""

from collections import defaultdict

from django.db.models import Exists, OuterRef, Q

from papi_tracker.collation import vietnamese

from .models import Agency, AgencyGroup, Task, TaskAssignment


def groups_of(agency):
    """The groups an agency belongs to: by its kind, or by name."""
    return AgencyGroup.objects.containing(agency)


def assignments_of(agency, role=None, group_ids=None):
    """The agency's assignments: its own and its groups' (`group_ids`, when the caller has
    read them: the database then estimates the rows from its statistics)."""
    groups = groups_of(agency) if group_ids is None else group_ids
    assignments = TaskAssignment.objects.filter(Q(agency=agency) | Q(group__in=groups))
    return assignments.filter(role=role) if role else assignments


def tasks_for_agency(agency, plan=None, role=None, group_ids=None):
    """Tasks the agency leads or coordinates, directly or through a group (see assignments_of).
    A subquery on the assignments, not a join: no DISTINCT over the tasks' long texts."""
    assignments = assignments_of(agency, role, group_ids)
    if plan is not None:
        # From the plan's tasks, each looked up in the assignments by its index: as "task in
        # (assignments)" the database scanned every plan's assignments for the agency's.
        return Task.objects.filter(Exists(assignments.filter(task=OuterRef("pk"))), plan=plan)
    return Task.objects.filter(pk__in=assignments.values("task_id"))


def agencies_owing(plan):
    """Every agency that must report on the plan: assigned directly, or through a group
    (its members by kind, or named). One query whatever the number of tasks; subqueries, not
    joins, so the database need not sort out duplicates."""
    named = TaskAssignment.objects.filter(task__plan=plan, agency__isnull=False).values("agency_id")
    groups = AgencyGroup.objects.filter(assignments__task__plan=plan)
    # Named agencies and named group members may belong to another province (as assignees() counts them).
    return Agency.objects.filter(Q(pk__in=named) | groups.members_condition(plan.province_id)).order_by(vietnamese("name"))


def assignees(plans):
    """{task_id: {"lead": {agency_id…}, "coordinating": {agency_id…}}} for every task of the
    plans, groups expanded, in at most four queries whatever the number of plans, tasks or agencies.
    The same rule as agencies_owing, read into memory for pages that tally many tasks."""
    rows = list(TaskAssignment.objects.filter(task__plan__in=plans).values_list("task_id", "role", "agency_id", "group_id"))
    members = AgencyGroup.objects.filter(pk__in={group_id for *_, group_id in rows if group_id}).member_ids()
    result = defaultdict(lambda: {TaskAssignment.Role.LEAD: set(), TaskAssignment.Role.COORDINATING: set()})
    for task_id, role, agency_id, group_id in rows:
        if agency_id:
            result[task_id][role].add(agency_id)
        else:
            result[task_id][role] |= members[group_id]
    for roles in result.values():  # an agency named to lead and to coordinate reports as lead
        roles[TaskAssignment.Role.COORDINATING] -= roles[TaskAssignment.Role.LEAD]
    return result
