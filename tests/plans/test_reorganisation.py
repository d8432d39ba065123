"""Moving the former An Giang and Kiên Giang onto the An Giang formed on 1/7/2025: counts before
and after, one coordinating agency with both staffs, nothing of the record lost, a second run
changes nothing, the dry run writes nothing."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from indicators.models import Province
from plans.models import Agency, AgencyGroup, AgencyKind, Membership, Plan
from plans.reorganisation import reorganise
from reporting.models import Report, TaskProgress
from tests.factories import make_reporter

pytestmark = pytest.mark.django_db


@pytest.fixture
def kien_giang(db):
    """A few of Kiên Giang's agencies and accounts, as a province had them on 30/6/2025."""
    province = Province.objects.get(code="kien-giang")
    home = Agency.objects.create(province=province, name="Sở Nội vụ", kind=AgencyKind.DEPARTMENT, is_coordinator=True)
    make_reporter("snv.kiengiang", home)
    Membership.objects.filter(user__username="snv.kiengiang").update(role=Membership.Role.COORDINATOR)
    health = Agency.objects.create(province=province, name="Sở Y tế", kind=AgencyKind.DEPARTMENT, aliases=["SYT Kiên Giang"])
    make_reporter("syt.kiengiang", health)
    Agency.objects.create(province=province, name="Sở Du lịch", kind=AgencyKind.DEPARTMENT)
    Agency.objects.create(province=province, name="Công an tỉnh", kind=AgencyKind.DEPARTMENT)  # a police force elsewhere
    district = Agency.objects.create(province=province, name="UBND thành phố Rạch Giá", kind=AgencyKind.DISTRICT_COMMITTEE)
    make_reporter("ubnd.rachgia", district)
    group = AgencyGroup.objects.create(province=province, name="Các cơ quan khối nội chính")
    group.members.add(health)
    return province


def record():
    """Everything the reorganisation must leave exactly as it was."""
    return (
        sorted(Report.objects.values_list("pk", "agency_id", "period_id", "status", "version")),
        sorted(TaskProgress.objects.values_list("pk", "report_id", "task_id", "status", "narrative")),
        Report.history.count(),
        TaskProgress.history.count(),
        sorted(Plan.objects.values_list("pk", "province_id", "status")),
    )


def test_the_merged_an_giang_gets_one_coordinating_agency_with_both_staffs(kien_giang, an_giang_plan):
    unit = Province.objects.get(code="an-giang-2025")
    before = record()
    former_agencies = Agency.objects.filter(province__successor=unit).count()
    result = reorganise(unit)
    coordinating = Agency.objects.get(province=unit, is_coordinator=True)
    staff = set(coordinating.memberships.values_list("user__username", "role"))
    assert staff == {("snv.angiang", "coordinator"), ("snv.kiengiang", "coordinator")}
    health = Agency.objects.get(province=unit, name="Sở Y tế")
    assert set(health.memberships.values_list("user__username", flat=True)) == {"syt.angiang", "syt.kiengiang"}
    assert "SYT Kiên Giang" in health.aliases
    # Former agencies stay (their reports name them); district committees are not carried.
    assert Agency.objects.filter(province__successor=unit).count() == former_agencies
    assert not Agency.objects.filter(province=unit, kind=AgencyKind.DISTRICT_COMMITTEE).exists()
    assert Membership.objects.get(user__username="ubnd.rachgia").agency.province == kien_giang
    assert any("UBND thành phố Rạch Giá" in line and "1 tài khoản" in line for line in result.left)
    # Same name, different kind: reported, never guessed.
    assert any("Công an tỉnh" in line for line in result.clashes)
    assert Agency.objects.filter(province=unit, name="Công an tỉnh").count() == 1
    assert AgencyGroup.objects.get(province=unit, name="Các cơ quan khối nội chính").members.get() == health
    assert record() == before  # every report, answer, history row and plan as it was


def test_a_second_run_changes_nothing_and_the_dry_run_writes_nothing(kien_giang):
    unit = Province.objects.get(code="an-giang-2025")

    def state():
        return (
            sorted(Agency.objects.values_list("pk", "province_id", "name", "aliases")),
            sorted(Membership.objects.values_list("pk", "user_id", "agency_id", "role")),
            sorted(AgencyGroup.objects.values_list("pk", "province_id", "name")),
            sorted(AgencyGroup.members.through.objects.values_list("agencygroup_id", "agency_id")),
        )

    before = state()
    dry = reorganise(unit, dry_run=True)
    assert dry.changed and state() == before
    done = reorganise(unit)
    assert done.steps == dry.steps  # the dry run said exactly what the run did
    after = state()
    again = reorganise(unit)
    assert not again.changed and state() == after


def test_the_command_prints_the_dry_run_and_moves_on_request(kien_giang, capsys):
    call_command("reorganise", "kien-giang", "--dry-run")
    printed = capsys.readouterr().out
    assert "Dry run: would move onto An Giang from Kiên Giang" in printed
    assert "snv.kiengiang" in printed and "snv.angiang" not in printed
    call_command("reorganise", "an-giang-2025", "--dry-run")
    assert "Dry run: would move onto An Giang from An Giang, Kiên Giang" in capsys.readouterr().out
    assert not Agency.objects.filter(province__code="an-giang-2025").exists()
    call_command("reorganise", "an-giang-2025")
    assert Agency.objects.filter(province__code="an-giang-2025", is_coordinator=True).exists()
    call_command("reorganise", "an-giang-2025")
    assert "Nothing to do." in capsys.readouterr().out


def test_a_coordinator_moves_their_province_from_the_admin_after_seeing_the_dry_run(client, coordinator, kien_giang):
    client.force_login(coordinator)
    own = Agency.objects.get(province__code="an-giang", name="Sở Y tế")
    url = reverse("admin:plans_agency_changelist")
    shown = client.post(url, {"action": "move_to_successor", "_selected_action": [own.pk]})
    assert shown.status_code == 200 and "Chưa có gì thay đổi" in shown.text and "snv.angiang" in shown.text
    assert "snv.kiengiang" not in shown.text  # Kiên Giang's own coordinator moves Kiên Giang
    assert not Agency.objects.filter(province__code="an-giang-2025").exists()
    done = client.post(url, {"action": "move_to_successor", "_selected_action": [own.pk], "confirm": "yes"})
    assert done.status_code == 302
    coordinating = Agency.objects.get(province__code="an-giang-2025", is_coordinator=True)
    assert list(coordinating.memberships.values_list("user__username", flat=True)) == ["snv.angiang"]
    assert Membership.objects.get(user__username="snv.kiengiang").agency.province == kien_giang


def test_after_the_move_the_units_people_read_the_former_plans_as_history_but_do_not_manage_them(
    client, kien_giang, an_giang_plan
):
    from plans import access

    reorganise(Province.objects.get(code="an-giang-2025"))
    coordinator = Membership.objects.get(user__username="snv.angiang").user
    assert access.visible_plans(coordinator).filter(pk=an_giang_plan.pk).exists()
    assert access.followed_plans(coordinator).filter(pk=an_giang_plan.pk).exists()
    assert not access.managed_plans(coordinator).filter(pk=an_giang_plan.pk).exists()
    client.force_login(coordinator)
    assert client.get(reverse("plan_detail", args=[an_giang_plan.pk])).status_code == 200
    assert client.get(reverse("plan_dashboard", args=[an_giang_plan.pk])).status_code == 200
    assert client.get(reverse("plan_targets", args=[an_giang_plan.pk])).status_code == 404  # read-only
    # The Đắk Nông coordinator still sees nothing of An Giang's.
    assert (
        not access.visible_plans(Membership.objects.get(user__username="snv.daknong").user).filter(pk=an_giang_plan.pk).exists()
    )


def test_a_former_provinces_coordinator_cannot_take_over_a_unit_that_has_its_own(client, kien_giang):
    """The review's attack: Kiên Giang's coordinator moved Kiên Giang onto An Giang, became its
    coordinator and locked An Giang's own coordinator out."""
    unit = Province.objects.get(code="an-giang-2025")
    home = Agency.objects.create(province=unit, name="Sở Nội vụ", is_coordinator=True)
    own = make_reporter("snv.unit", home)
    Membership.objects.filter(user=own).update(role=Membership.Role.COORDINATOR)
    intruder = Membership.objects.get(user__username="snv.kiengiang").user
    type(own).objects.filter(pk__in=[own.pk, intruder.pk]).update(is_staff=True)  # coordinators work in the admin
    client.force_login(intruder)
    url = reverse("admin:plans_agency_changelist")
    mine = Agency.objects.get(province=kien_giang, name="Sở Y tế")
    answer = client.post(url, {"action": "move_to_successor", "_selected_action": [mine.pk], "confirm": "yes"}, follow=True)
    assert "đã có Sở Nội vụ điều phối" in answer.text
    assert Membership.objects.get(user=intruder).agency.province == kien_giang  # nothing moved
    # The unit's own coordinator takes Kiên Giang in, from the unit's side.
    client.force_login(own)
    done = client.post(url, {"action": "move_to_successor", "_selected_action": [home.pk], "confirm": "yes"})
    assert done.status_code == 302
    assert set(home.memberships.values_list("user__username", "role")) == {
        ("snv.unit", "coordinator"),
        ("snv.kiengiang", "coordinator"),
        ("snv.angiang", "coordinator"),
    }


def test_a_namesake_sở_nội_vụ_becomes_the_coordinating_agency_and_the_stronger_role_is_kept(kien_giang):
    unit = Province.objects.get(code="an-giang-2025")
    listed = Agency.objects.create(province=unit, name="SỞ NỘI VỤ")  # from an imported list: not coordinating
    both = Membership.objects.get(user__username="snv.kiengiang").user
    Membership.objects.create(user=both, agency=listed, role=Membership.Role.VIEWER)
    reorganise(unit, former=[kien_giang])
    listed.refresh_from_db()
    assert listed.is_coordinator
    assert list(Membership.objects.filter(user=both).values_list("agency_id", "role")) == [(listed.pk, "coordinator")]
