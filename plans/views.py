from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from indicators.history import province_history
from indicators.models import Province

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


def province_detail(request, code):
    """A province's published PAPI scores since 2011 beside the nation's median and best, with
    the targets of its plans the user may see. Published scores are public: any user reads them."""
    province = get_object_or_404(Province.objects.select_related("successor"), code=code)
    history = province_history(province)
    targets = {
        (t.plan.year, t.dimension_id): t
        for t in Target.objects.filter(plan__in=access.visible_plans(request.user), plan__province=province).select_related(
            "plan"
        )
    }
    rows = []
    for index, year in enumerate(history.years):
        cells = []
        for series in history.dimensions:
            point = series.point(year)
            if point is not None:
                cells.append((series.dimension, point, targets.get((year, series.dimension.pk))))
            else:
                cells.append((series.dimension, None, None))
        rows.append({"year": year, "total": history.total.points[index], "cells": cells})
    return render(
        request,
        "plans/province_detail.html",
        {"province": province, "history": history, "rows": rows, "dimensions": [s.dimension for s in history.dimensions]},
    )
