from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from . import access
from .models import Membership, Target, Task, TaskAssignment


def plan_detail(request, pk):
    plan = get_object_or_404(access.visible_plans(request.user).select_related("province"), pk=pk)
    targets = Target.objects.filter(plan=plan).select_related("dimension")
    tasks = (
        Task.objects.filter(plan=plan)
        .select_related("dimension", "sub_dimension")
        .prefetch_related(Prefetch("assignments", queryset=TaskAssignment.objects.select_related("agency", "group")))
    )
    sections = {}
    for task in tasks:
        sections.setdefault(task.dimension, []).append(task)
    # Reporting periods, for those who follow them: coordinators and viewers of the province.
    follows = (
        access.is_administrator(request.user)
        or access.memberships(request.user)
        .filter(agency__province=plan.province, role__in=[Membership.Role.COORDINATOR, Membership.Role.VIEWER])
        .exists()
    )
    return render(
        request,
        "plans/plan_detail.html",
        {
            "plan": plan,
            "targets": targets,
            "sections": sections.items(),
            "task_count": len(tasks),
            "periods": plan.periods.order_by("end", "kind") if follows else [],
            "can_manage": access.managed_plans(request.user).filter(pk=plan.pk).exists(),
        },
    )
