"""Publishing a plan for citizens ("Công khai kế hoạch") and withdrawing it: the only writes of
Plan.published_at and published_by. Who may is plans.access.may_publish (the view fetches the
plan through managed_plans); what the public reads is plans.access.public_plans and the `public`
app's page. A draft is never published, and a plan put back to draft is unpublished
(withdrawn_if_draft): made active again, it waits for a manager to publish it again."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Plan


class PublicationError(Exception):
    """A refusal, with its message for the user."""


@transaction.atomic
def publish(plan, user):
    """Open the plan's public page; publishing it again keeps the first date. Returns the plan."""
    plan = Plan.objects.select_for_update(of=("self",)).get(pk=plan.pk)
    if plan.status == Plan.Status.DRAFT:
        raise PublicationError(
            _("Kế hoạch đang soạn không được công khai: hãy chuyển sang “Đang thực hiện” khi kế hoạch đã ban hành.")
        )
    if plan.published_at is None:
        plan.published_at, plan.published_by = timezone.now(), user
        plan.save(update_fields=["published_at", "published_by"])
    return plan


@transaction.atomic
def unpublish(plan):
    """Close the plan's public page at once (its cached copy is keyed by published_at, so it is
    never read again). Returns the plan."""
    plan = Plan.objects.select_for_update(of=("self",)).get(pk=plan.pk)
    if plan.published_at is not None:
        plan.published_at, plan.published_by = None, None
        plan.save(update_fields=["published_at", "published_by"])
    return plan


def withdrawn_if_draft(plan, update_fields):
    """The fields a save of `plan` writes (Plan.save asks, in every save of a stored plan): when the
    save writes the status "Đang soạn", the same UPDATE clears published_at and published_by, so
    the plan leaves its public page at once (its cached copy is keyed by published_at) and does not
    come back when it is set to "Đang thực hiện" again. Other saves write what they named."""
    if plan.status != Plan.Status.DRAFT or "status" not in update_fields:
        return update_fields
    plan.published_at, plan.published_by = None, None
    return [*dict.fromkeys([*update_fields, "published_at", "published_by"])]
