"""Whose account a user may manage, in one place: every page of /tai-khoan/ asks here, so an
account out of scope answers 404 like one that does not exist.

A coordinator manages the people of the provinces they coordinate: users whose every membership
is at an agency of those provinces. Never a superuser (administrator), never a user who also
holds a role in another province (that province's coordinators would lose control of them), and
never a user with no membership at all (nobody's province). Administrators manage every account
except other superusers' (those stay in the admin).
"""

from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404

from plans import access as plan_access
from plans.models import Agency, Membership


def may_manage_accounts(user):
    return plan_access.is_administrator(user) or plan_access.coordinated_province_ids(user).exists()


def managed_agencies(user):
    """The agencies whose people the user may add: those of the provinces they coordinate."""
    if plan_access.is_administrator(user):
        return Agency.objects.all()
    return Agency.objects.filter(province_id__in=plan_access.coordinated_province_ids(user))


def managed_users(user):
    User = get_user_model()
    if not user.is_authenticated:
        return User.objects.none()
    if plan_access.is_administrator(user):
        return User.objects.filter(is_superuser=False)
    provinces = plan_access.coordinated_province_ids(user)
    inside = Membership.objects.filter(agency__province_id__in=provinces).values("user_id")
    outside = Membership.objects.exclude(agency__province_id__in=provinces).values("user_id")
    return User.objects.filter(pk__in=inside, is_superuser=False).exclude(pk__in=outside)


def get_managed_user(user, pk):
    """The account `pk` when `user` manages it; 404 otherwise, whether it exists or not."""
    return get_object_or_404(managed_users(user), pk=pk)
