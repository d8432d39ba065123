import pytest

from plans.models import Agency, AgencyGroup, TaskAssignment
from plans.obligations import groups_of, tasks_for_agency

pytestmark = pytest.mark.django_db


def test_an_agency_reports_on_tasks_assigned_to_its_groups(an_giang_plan):
    long_xuyen = Agency.objects.get(name="UBND thành phố Long Xuyên")
    assert {g.name for g in groups_of(long_xuyen)} == {"UBND cấp huyện"}
    tasks = tasks_for_agency(long_xuyen, plan=an_giang_plan)
    assert tasks.count() == 50
    assert not tasks.exclude(assignments__group__name="UBND cấp huyện").exists()


def test_lead_and_coordinating_are_told_apart(an_giang_plan):
    health = Agency.objects.get(province=an_giang_plan.province, name="Sở Y tế")
    led = tasks_for_agency(health, role=TaskAssignment.Role.LEAD)
    assert led.filter(assignments__agency=health).count() == 4


def test_an_explicit_member_counts_too(dak_nong_plan):
    inspectorate = Agency.objects.get(province=dak_nong_plan.province, name="Thanh tra tỉnh")
    named = AgencyGroup.objects.get(province=dak_nong_plan.province, name="Các cơ quan, đơn vị từ cấp tỉnh đến cấp xã")
    assert named in groups_of(inspectorate)


def test_an_agency_of_another_province_reports_on_nothing_here(an_giang_plan):
    dak_nong_commune = Agency.objects.get(name="UBND xã Đắk Nia")
    assert not tasks_for_agency(dak_nong_commune, plan=an_giang_plan).exists()


def test_every_reading_of_group_membership_agrees(an_giang_plan, dak_nong_plan):
    """One rule (plans.models.AgencyGroupQuerySet), read four ways: a group's agencies, the
    groups in memory, the plan's groups as one condition, and an agency's groups."""
    groups = AgencyGroup.objects.filter(province__in=[an_giang_plan.province, dak_nong_plan.province])
    in_memory = groups.member_ids()
    assert any(group.member_kind for group in groups) and any(group.members.exists() for group in groups)
    for group in groups:
        members = set(group.agencies().values_list("pk", flat=True))
        assert members == in_memory[group.pk]
        one = AgencyGroup.objects.filter(pk=group.pk).members_condition(group.province_id)
        assert set(Agency.objects.filter(one).values_list("pk", flat=True)) == members
        for agency in Agency.objects.filter(province=group.province):
            assert (group in AgencyGroup.objects.containing(agency)) == (agency.pk in members), (group, agency)
