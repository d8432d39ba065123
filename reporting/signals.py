"""Keep stored progress figures honest (reporting/figures.py): any write that can change a plan's
figures raises the plan's progress_version in the same transaction, so what was kept under the
old value is never read again.

Signals catch every path that saves through the ORM (pages, the admin, imports); the few bulk
writes call plans.models.touch_plans themselves."""

from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from plans.models import Agency, AgencyGroup, Plan, Task, TaskAssignment, touch_plans

from .models import Report, ReportingPeriod, TaskProgress


def _plan_of(sender, instance, raw=False, **kwargs):
    # Drafts count for nothing, so saving one touches no plan: on deadline day the plan's row
    # is not locked by every agency's draft.
    if raw:  # loaddata (a restore): nothing is cached for those rows yet
        return
    if sender is Report:
        if instance.status == Report.Status.DRAFT and kwargs.get("signal") is not post_delete:
            return
        # A saved report has a new updated_at (a deleted one is gone): the figures read again
        # only its agency's answers, not the plan's tasks (reporting/figures.py).
        touch_plans(ReportingPeriod.objects.filter(pk=instance.period_id).values("plan_id"), structure=False)
        return
    if sender is TaskProgress:
        # An answer of a sent report changed without its report (the admin): read all again.
        plans = ReportingPeriod.objects.filter(reports=instance.report_id, reports__status__in=Report.FINAL).values("plan_id")
    elif sender is TaskAssignment:
        plans = Task.objects.filter(pk=instance.task_id).values("plan_id")
    else:  # Task, ReportingPeriod
        plans = [instance.plan_id]
    touch_plans(plans)


def _old_side(sender, instance, raw=False, **kwargs):
    """Before a row is saved over, the plans it counted for: a task or period moved to another
    plan, an assignment to another task, an agency or group to another province, a plan to
    another province leave those figures changed too. The database still has the old row."""
    if raw or instance.pk is None:
        return
    if sender in (Task, ReportingPeriod):
        touch_plans(sender.objects.filter(pk=instance.pk).values("plan_id"))
    elif sender is TaskAssignment:
        touch_plans(Task.objects.filter(assignments=instance.pk).values("plan_id"))
    elif sender is Plan:
        touch_plans([instance.pk])
    else:  # Agency, AgencyGroup
        touch_plans(Plan.objects.filter(province__in=sender.objects.filter(pk=instance.pk).values("province_id")).values("pk"))


def _province_plans(sender, instance, raw=False, **kwargs):
    # Group membership follows agency kinds and named members: any plan of the province may
    # change, and of the provinces whose groups name the agency.
    if raw:
        return
    provinces = Q(province_id=instance.province_id)
    if sender is Agency and instance.pk is not None:
        # Its groups by kind are its province's; by name, any province's.
        provinces |= Q(province__in=AgencyGroup.objects.containing(instance).values("province_id"))
    touch_plans(Plan.objects.filter(provinces).values("pk"))


def _group_members(sender, instance, action, reverse, pk_set, **kwargs):
    # From the group's side: its province's plans. From the agency's side: the plans of the
    # provinces of the groups it joins or leaves (read before a clear, as after it none are left).
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    if not reverse:
        touch_plans(Plan.objects.filter(province_id=instance.province_id).values("pk"))
        return
    groups = AgencyGroup.objects.filter(pk__in=pk_set) if action != "pre_clear" else instance.explicit_groups.all()
    touch_plans(Plan.objects.filter(province__in=groups.values("province_id")).values("pk"))


def connect():
    for model in (Report, TaskProgress, Task, TaskAssignment, ReportingPeriod):
        post_save.connect(_plan_of, sender=model, dispatch_uid=f"touch-plan-{model.__name__}-save")
        post_delete.connect(_plan_of, sender=model, dispatch_uid=f"touch-plan-{model.__name__}-delete")
    for model in (Task, TaskAssignment, ReportingPeriod, Plan, Agency, AgencyGroup):
        pre_save.connect(_old_side, sender=model, dispatch_uid=f"touch-plans-{model.__name__}-before")
    for model in (Agency, AgencyGroup):
        post_save.connect(_province_plans, sender=model, dispatch_uid=f"touch-plans-{model.__name__}-save")
        post_delete.connect(_province_plans, sender=model, dispatch_uid=f"touch-plans-{model.__name__}-delete")
    m2m_changed.connect(_group_members, sender=AgencyGroup.members.through, dispatch_uid="touch-plans-group-members")
