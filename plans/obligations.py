"""Which agencies must report on which tasks, expanding groups such as "UBND cấp xã"."""

from django.db.models import Q

from .models import Agency, AgencyGroup, Task


def groups_of(agency):
    """The groups an agency belongs to: by its kind, or by name."""
    return AgencyGroup.objects.filter(Q(province_id=agency.province_id, member_kind=agency.kind) | Q(members=agency)).distinct()


def tasks_for_agency(agency, plan=None, role=None):
    """Tasks the agency leads or coordinates, directly or through a group."""
    assignment = Q(assignments__agency=agency) | Q(assignments__group__in=groups_of(agency))
    if role:
        assignment &= Q(assignments__role=role)
    tasks = Task.objects.filter(assignment)
    if plan is not None:
        tasks = tasks.filter(plan=plan)
    return tasks.distinct()


def agencies_owing(plan):
    """Every agency that must report on the plan: assigned directly, or through a group
    (its members by kind, or named). One query whatever the number of tasks."""
    group_assignments = AgencyGroup.objects.filter(assignments__task__plan=plan)
    kinds = group_assignments.exclude(member_kind="").values("member_kind")
    return (
        Agency.objects.filter(
            Q(assignments__task__plan=plan)
            | Q(province_id=plan.province_id, kind__in=kinds)
            | Q(explicit_groups__in=group_assignments)
        )
        .distinct()
        .order_by("name")
    )
