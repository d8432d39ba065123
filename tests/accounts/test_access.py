"""accounts.access: whose account a user manages, decided once."""

import pytest

from accounts import access
from plans.models import Membership

from .helpers import agency, member

pytestmark = pytest.mark.django_db


def test_a_coordinator_manages_the_people_of_its_own_province_only(coordinator, lead_reporter, viewer, commune_reporter):
    managed = set(access.managed_users(coordinator))
    assert {coordinator, lead_reporter, viewer} <= managed
    assert commune_reporter not in managed  # Đắk Nông's


def test_never_an_administrator_nor_someone_who_also_works_in_another_province(coordinator, administrator):
    both = member("hai.tinh", agency("An Giang", "Sở Y tế"))
    Membership.objects.create(user=both, agency=agency("Đắk Nông", "Sở Nội vụ"), role=Membership.Role.VIEWER)
    superuser_member = member("sieu", agency("An Giang", "Sở Y tế"), is_superuser=True)
    managed = set(access.managed_users(coordinator))
    assert administrator not in managed and both not in managed and superuser_member not in managed


def test_reporters_viewers_and_inactive_coordinators_manage_nobody(lead_reporter, viewer, coordinator):
    assert not access.managed_users(lead_reporter).exists() and not access.managed_users(viewer).exists()
    assert not access.may_manage_accounts(lead_reporter) and not access.may_manage_accounts(viewer)
    coordinator.is_active = False
    coordinator.save()
    assert not access.managed_users(coordinator).exists()


def test_agencies_offered_are_the_provinces_own(coordinator):
    assert set(access.managed_agencies(coordinator).values_list("province__name", flat=True)) == {"An Giang"}


def test_an_administrator_manages_everyone_but_superusers(administrator, commune_reporter, lead_reporter):
    managed = set(access.managed_users(administrator))
    assert {commune_reporter, lead_reporter} <= managed and administrator not in managed
