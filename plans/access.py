"""Who may see what, in one place: every view, export and admin page asks here.

Scope comes from memberships: a user sees the plans of the provinces where they hold
a role; administrators (superusers) see everything. Plans still being drafted are
visible to the province's coordinators only.
"""

from django.db.models import Q

from indicators.models import Province

from .models import Membership, Plan


def is_administrator(user):
    return user.is_active and user.is_superuser


def may_import_scores(user):
    """Published PAPI scores are national reference data: one province's coordinator changing them
    would move every province's rank. Only administrators import or change them."""
    return is_administrator(user)


def memberships(user):
    if not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(user=user, user__is_active=True)


def coordinated_province_ids(user):
    """Provinces the user coordinates as staff of their Sở Nội vụ."""
    return memberships(user).filter(role=Membership.Role.COORDINATOR, agency__is_coordinator=True).values("agency__province_id")


def coordinated_agency_ids(user):
    """Agencies where the user coordinates: a Sở Nội vụ, or the coordinating agency of a plan issued
    below the province (Phòng Nội vụ of a district, a commune's committee), whose plans they run."""
    return memberships(user).filter(role=Membership.Role.COORDINATOR).values("agency_id")


def is_coordinator_anywhere(user):
    """Whether the user coordinates some province or some plan (one query)."""
    return coordinated_agency_ids(user).exists()


def administers_or_coordinates(user):
    """Administrators and the coordinators of any province: who must use two-factor login."""
    return is_administrator(user) or is_coordinator_anywhere(user)


def with_former(province_ids):
    """The provinces, and those they succeeded on 1/7/2025: a unit's people read its former
    provinces' plans and reports as its history. Reading only: managed_plans keeps to the unit."""
    return Province.objects.filter(Q(pk__in=province_ids) | Q(successor_id__in=province_ids)).values("pk")


def reading_province_ids(user):
    """Provinces the user follows as coordinator or viewer (not as an agency's reporter), with
    the former provinces of those units."""
    followed = memberships(user).filter(role__in=[Membership.Role.COORDINATOR, Membership.Role.VIEWER])
    return with_former(followed.values("agency__province_id"))


def visible_plans(user):
    if not user.is_authenticated:
        return Plan.objects.none()
    if is_administrator(user):
        return Plan.objects.all()
    member_provinces = with_former(memberships(user).values("agency__province_id"))
    return Plan.objects.filter(
        Q(province_id__in=member_provinces, status__in=[Plan.Status.ACTIVE, Plan.Status.CLOSED]) | _managed_condition(user)
    )


def _managed_condition(user):
    """The province's coordinators run all its plans; a plan's own coordinating agency's, that plan."""
    return Q(province_id__in=coordinated_province_ids(user)) | Q(coordinating_agency_id__in=coordinated_agency_ids(user))


def managed_plans(user):
    if is_administrator(user):
        return Plan.objects.all()
    return Plan.objects.filter(_managed_condition(user))


def followed_plans(user):
    """Plans whose progress the user follows: as administrator, or as coordinator or viewer of
    the province (an agency's reporter sees its own tasks, not the whole plan's progress)."""
    if is_administrator(user):
        return Plan.objects.all()
    return visible_plans(user).filter(
        Q(province_id__in=reading_province_ids(user)) | Q(coordinating_agency_id__in=coordinated_agency_ids(user))
    )


def managed_provinces(user):
    """The units whose agencies the user sets up (commune committees, agencies in bulk): those it
    coordinates, or every one for an administrator."""
    if is_administrator(user):
        return Province.objects.all()
    return Province.objects.filter(pk__in=coordinated_province_ids(user))


def may_move_onto(user, unit):
    """Who moves former provinces' working data onto a unit of 1/7/2025 (plans.reorganisation):
    an administrator; the unit's own coordinators; or a former province's coordinator while the
    unit has no coordinator yet (the first Sở Nội vụ to move becomes the unit's). Once the unit
    has one, a former province's coordinator cannot make themselves the unit's coordinator."""
    if is_administrator(user) or managed_provinces(user).filter(pk=unit.pk).exists():
        return True
    unit_has_coordinator = Membership.objects.filter(agency__province=unit, role=Membership.Role.COORDINATOR).exists()
    return not unit_has_coordinator and managed_provinces(user).filter(successor=unit).exists()


def public_plans():
    """Plans citizens read on their public page ("Công khai kế hoạch"), signed in or not: published
    and not a draft (Plan.is_public). A plan unpublished, or put back to draft, leaves at once."""
    return Plan.objects.filter(published_at__isnull=False).exclude(status=Plan.Status.DRAFT)


def may_publish(user, plan):
    """Who opens or closes a plan's public page: those who manage it (managed_plans)."""
    return managed_plans(user).filter(pk=plan.pk).exists()
