"""Who makes, sees and revokes API tokens; what a token reads is api.scope's.

Built on plans.access: an administrator makes tokens for one province or for all; a
coordinator of a province's Sở Nội vụ (plans.access.managed_provinces) for that province only.
A plan's own coordinating agency (a district's Phòng Nội vụ) runs that plan, not the province's
data, so it makes none. Out of scope is a 404, as everywhere.
"""

from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from plans import access as plan_access
from plans.models import Membership

from .models import ApiToken


def may_manage_tokens(user):
    return plan_access.is_administrator(user) or plan_access.managed_provinces(user).exists()


def token_provinces(user):
    """The provinces the user may make a token for."""
    return plan_access.managed_provinces(user)


def may_make_national_token(user):
    return plan_access.is_administrator(user)


def visible_tokens(user):
    if plan_access.is_administrator(user):
        return ApiToken.objects.all()
    return ApiToken.objects.filter(province__in=token_provinces(user))


def get_token_for_user(user, pk):
    try:
        return visible_tokens(user).get(pk=pk)
    except ApiToken.DoesNotExist:
        raise Http404 from None


def still_held():
    """A condition on ApiToken: its maker may still make it, as token_provinces and
    may_make_national_token decide (an active administrator; or an active coordinator of the
    token's province's Sở Nội vụ). A coordinator who leaves the post takes their tokens' reading
    with them. A subquery, so authenticating stays one query."""
    coordinates = Membership.objects.filter(
        user=OuterRef("created_by"),
        role=Membership.Role.COORDINATOR,
        agency__is_coordinator=True,
        agency__province=OuterRef("province"),
    )
    return Q(created_by__is_active=True) & (Q(created_by__is_superuser=True) | Q(Exists(coordinates)))
