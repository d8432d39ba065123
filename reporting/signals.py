"""Keep cached progress figures honest: any write that can change a plan's figures raises the
plan's progress_version in the same transaction, so what was cached under the old value is
never read again (reporting.progress.cached_plan_summaries).

Signals catch every path that saves through the ORM (pages, the admin, imports); the few bulk
writes call plans.models.touch_plans themselves."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from plans.models import Agency, AgencyGroup, Plan, Task, TaskAssignment, touch_plans

from .access import FINAL
from .models import Report, ReportingPeriod, TaskProgress


def _plan_of(sender, instance, **kwargs):
    # Drafts count for nothing, so saving one touches no plan: on deadline day the plan's row
    # is not locked by every agency's draft.
    if sender is Report:
        if instance.status == Report.Status.DRAFT and kwargs.get("signal") is not post_delete:
            return
        plans = ReportingPeriod.objects.filter(pk=instance.period_id).values("plan_id")
    elif sender is TaskProgress:
        plans = ReportingPeriod.objects.filter(reports=instance.report_id, reports__status__in=FINAL).values("plan_id")
    elif sender is TaskAssignment:
        plans = Task.objects.filter(pk=instance.task_id).values("plan_id")
    else:  # Task, ReportingPeriod
        plans = [instance.plan_id]
    touch_plans(plans)


def _province_plans(sender, instance, **kwargs):
    # Group membership follows agency kinds and named members: any plan of the province may change.
    touch_plans(Plan.objects.filter(province_id=instance.province_id).values("pk"))


def _group_members(sender, instance, action, **kwargs):
    # instance is the group, or the agency when the change is made from the agency's side;
    # both belong to the province.
    if action in ("post_add", "post_remove", "post_clear"):
        touch_plans(Plan.objects.filter(province_id=instance.province_id).values("pk"))


def connect():
    for model in (Report, TaskProgress, Task, TaskAssignment, ReportingPeriod):
        post_save.connect(_plan_of, sender=model, dispatch_uid=f"touch-plan-{model.__name__}-save")
        post_delete.connect(_plan_of, sender=model, dispatch_uid=f"touch-plan-{model.__name__}-delete")
    for model in (Agency, AgencyGroup):
        post_save.connect(_province_plans, sender=model, dispatch_uid=f"touch-plans-{model.__name__}-save")
        post_delete.connect(_province_plans, sender=model, dispatch_uid=f"touch-plans-{model.__name__}-delete")
    m2m_changed.connect(_group_members, sender=AgencyGroup.members.through, dispatch_uid="touch-plans-group-members")
