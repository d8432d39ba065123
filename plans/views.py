from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, render

from . import access
from .models import Target, Task, TaskAssignment
from .obligations import tasks_for_agency


def home(request):
    """The plans the user may see, and for reporters the tasks their agency reports on."""
    plans = (
        access.visible_plans(request.user)
        .select_related("province")
        .annotate(task_count=Count("tasks", distinct=True), target_count=Count("targets", distinct=True))
        .order_by("-year", "province__name")
    )
    memberships = list(access.memberships(request.user).select_related("agency", "agency__province"))
    for membership in memberships:
        if membership.role == membership.Role.REPORTER:
            membership.task_count = tasks_for_agency(membership.agency).count()
    return render(request, "plans/home.html", {"plans": plans, "memberships": memberships})


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
    return render(
        request,
        "plans/plan_detail.html",
        {"plan": plan, "targets": targets, "sections": sections.items(), "task_count": len(tasks)},
    )
