"""Which agencies must report on which tasks, expanding groups such as "UBND cấp xã"."""

from django.db.models import Q

from .models import AgencyGroup, Task


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
