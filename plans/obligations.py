"""Which agencies must report on which tasks, expanding groups such as "UBND cấp xã"."""

from collections import defaultdict

from django.db.models import Exists, OuterRef, Q

from .models import Agency, AgencyGroup, Task, TaskAssignment


def groups_of(agency):
    """The groups an agency belongs to: by its kind, or by name."""
    return AgencyGroup.objects.filter(Q(province_id=agency.province_id, member_kind=agency.kind) | Q(members=agency)).distinct()


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
    group_assignments = AgencyGroup.objects.filter(assignments__task__plan=plan)
    kinds = group_assignments.exclude(member_kind="").values("member_kind")
    named = TaskAssignment.objects.filter(task__plan=plan, agency__isnull=False).values("agency_id")
    members = AgencyGroup.members.through.objects.filter(agencygroup__in=group_assignments).values("agency_id")
    # Named agencies and named group members may belong to another province (as assignees() counts them).
    return Agency.objects.filter(Q(pk__in=named) | Q(province_id=plan.province_id, kind__in=kinds) | Q(pk__in=members)).order_by(
        "name"
    )


def assignees(plans):
    """{task_id: {"lead": {agency_id…}, "coordinating": {agency_id…}}} for every task of the
    plans, groups expanded, in at most four queries whatever the number of plans, tasks or agencies.
    The same rule as agencies_owing, read into memory for pages that tally many tasks."""
    rows = list(TaskAssignment.objects.filter(task__plan__in=plans).values_list("task_id", "role", "agency_id", "group_id"))
    group_ids = {group_id for *_, group_id in rows if group_id}
    groups = {
        pk: (province_id, kind)
        for pk, province_id, kind in AgencyGroup.objects.filter(pk__in=group_ids).values_list("pk", "province_id", "member_kind")
    }
    members = defaultdict(set)
    for group_id, agency_id in AgencyGroup.members.through.objects.filter(agencygroup_id__in=group_ids).values_list(
        "agencygroup_id", "agency_id"
    ):
        members[group_id].add(agency_id)
    kinds = {(province_id, kind) for province_id, kind in groups.values() if kind}
    by_kind = defaultdict(set)
    if kinds:
        # Two IN lists (a query of fixed size), then the exact pairs kept here.
        candidates = Agency.objects.filter(province_id__in={p for p, _ in kinds}, kind__in={k for _, k in kinds})
        for pk, province_id, kind in candidates.values_list("pk", "province_id", "kind"):
            if (province_id, kind) in kinds:
                by_kind[(province_id, kind)].add(pk)
    result = defaultdict(lambda: {TaskAssignment.Role.LEAD: set(), TaskAssignment.Role.COORDINATING: set()})
    for task_id, role, agency_id, group_id in rows:
        if agency_id:
            result[task_id][role].add(agency_id)
        else:
            province_id, kind = groups[group_id]
            result[task_id][role] |= members[group_id] | by_kind.get((province_id, kind), set())
    return result
