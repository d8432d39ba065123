"""A plan's history: the plan, its targets and its tasks, step by step, newest first (who, when,
what changed field by field), for its page. Three queries whatever the plan's size."""

from papi_tracker.history import object_steps

from .models import Plan, Target, Task

SHOWN_STEPS = 50  # the page shows the latest; older ones stay in the admin's history


def plan_history(plan, limit=SHOWN_STEPS):
    def records(model, *related, **where):
        found = model.history.filter(**where).select_related("history_user", *related)
        return found.order_by("id", "history_date", "history_id")

    steps = object_steps(records(Plan, id=plan.pk), Plan, lambda r: str(Plan._meta.verbose_name).capitalize())
    steps += object_steps(
        records(Target, "dimension", plan_id=plan.pk),
        Target,
        lambda r: f"{Target._meta.verbose_name.capitalize()} {r.dimension.number}",
    )
    steps += object_steps(records(Task, plan_id=plan.pk), Task, lambda r: f"{Task._meta.verbose_name.capitalize()} {r.number}")
    return sorted(steps, key=lambda step: step.when, reverse=True)[:limit]
