import datetime
import unicodedata
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from indicators.models import Score
from plans.models import Agency, AgencyGroup, Membership, Plan, Target, Task, TaskAssignment
from reporting.demo import load_demo
from reporting.models import ReportingPeriod

pytestmark = pytest.mark.django_db


def test_an_giang_has_exactly_the_eight_targets_with_2018_baselines(an_giang_plan):
    targets = Target.objects.filter(plan=an_giang_plan).order_by("dimension__number")
    assert [(t.dimension.number, t.target_score) for t in targets] == [
        (1, Decimal("5.40")), (2, Decimal("5.50")), (3, Decimal("5.00")), (4, Decimal("7.00")),
        (5, Decimal("7.50")), (6, Decimal("7.60")), (7, Decimal("5.70")), (8, Decimal("3.50")),
    ]  # fmt: skip
    for target in targets:
        published = Score.objects.get(province=an_giang_plan.province, year=2018, dimension=target.dimension, sub_dimension=None)
        assert target.baseline_score == published.value
    # The plan quotes the two new dimensions' 2018 scores: 5,67 and 2,58.
    assert round(targets[6].baseline_score, 2) == Decimal("5.67")
    assert round(targets[7].baseline_score, 2) == Decimal("2.58")


def test_an_giang_aims_for_the_top_20(an_giang_plan):
    assert an_giang_plan.rank_goal == 20
    assert an_giang_plan.baseline_year == 2018
    assert an_giang_plan.issue_date == datetime.date(2020, 4, 10)
    assert an_giang_plan.signer == "Trần Anh Thư"


def test_an_giang_has_every_task_of_section_three(an_giang_plan):
    tasks = Task.objects.filter(plan=an_giang_plan)
    assert tasks.count() == 58
    by_dimension = {n: tasks.filter(dimension__number=n).count() for n in range(1, 9)}
    assert by_dimension == {1: 6, 2: 2, 3: 6, 4: 9, 5: 7, 6: 17, 7: 6, 8: 5}


def test_so_y_te_leads_its_four_tasks_under_dimension_six(an_giang_plan):
    led = Task.objects.filter(plan=an_giang_plan, assignments__role="lead", assignments__agency__name="Sở Y tế")
    assert led.count() == 4
    assert set(led.values_list("dimension__number", flat=True)) == {6}
    assert set(led.values_list("sub_dimension__code", flat=True)) == {"D6.1"}
    # Coordinated by the block's "Cơ quan phối hợp" (the district committees), except where
    # the bullet names its own partners.
    partners = {t.number: {str(a.agency or a.group) for a in t.assignments.filter(role="coordinating")} for t in led}
    assert partners == {
        "6.1": {"UBND cấp huyện"},
        "6.2": {"UBND cấp huyện"},
        "6.3": {"UBND cấp huyện"},
        "6.4": {"Sở Lao động, Thương binh và Xã hội", "Sở Tài chính"},
    }


def test_security_block_belongs_to_dimension_six_law_and_order(an_giang_plan):
    block = Task.objects.filter(plan=an_giang_plan, number__startswith="7.")
    assert block.count() == 6
    assert set(block.values_list("dimension__number", "sub_dimension__code")) == {(6, "D6.4")}
    assert block.filter(assignments__role="lead", assignments__agency__name="Công an tỉnh").count() == 5


def test_a_bullet_naming_its_partner_is_coordinated_by_that_partner(an_giang_plan):
    task = Task.objects.get(plan=an_giang_plan, assignments__role="lead", assignments__agency__name="Sở Công Thương")
    assert [a.agency.name for a in task.assignments.filter(role="coordinating")] == ["Công ty Điện lực An Giang"]


def test_dak_nong_has_the_41_rows_of_its_table(dak_nong_plan):
    assert Task.objects.filter(plan=dak_nong_plan).count() == 41
    assert not Task.objects.filter(plan=dak_nong_plan, number__startswith="VIII.").exists()  # the table skips VIII
    assert Task.objects.filter(plan=dak_nong_plan, number__startswith="IX.", dimension__number=8).count() == 5


def test_dak_nong_row_ii_3_is_led_by_labour_department_with_a_30_percent_measure(dak_nong_plan):
    task = Task.objects.get(plan=dak_nong_plan, number="II.3")
    lead = task.assignments.get(role="lead")
    assert lead.agency.name == "Sở Lao động Thương binh và Xã hội"
    assert (task.measure_value, task.measure_unit) == (Decimal("30"), "%")
    assert "30%" in task.measure
    assert {a.group.name for a in task.assignments.filter(role="coordinating")} == {"UBND cấp huyện", "UBND cấp xã"}


def test_dak_nong_keeps_timeframe_wording_and_derives_due_dates(dak_nong_plan):
    tasks = Task.objects.filter(plan=dak_nong_plan)
    for task in tasks.filter(timeframe_text="Quý IV/2020"):
        assert task.due_date == datetime.date(2020, 12, 31)
    assert tasks.filter(timeframe_text="Quý III/2020", due_date=datetime.date(2020, 9, 30)).exists()
    assert tasks.filter(timeframe_kind="ongoing", timeframe_text="Thường xuyên").count() > 10
    assert not tasks.filter(timeframe_kind="deadline", due_date__isnull=True).exists()


def test_dak_nong_targets_groups_not_scores(dak_nong_plan):
    targets = Target.objects.filter(plan=dak_nong_plan)
    assert targets.count() == 8
    assert set(targets.values_list("target_group", "target_score")) == {(2, None)}
    assert dak_nong_plan.group_goal == 2


def _fold(name):
    return unicodedata.normalize("NFC", name).casefold()


@pytest.mark.parametrize("document_number", ["179/KH-UBND", "46/QĐ-UBND"])
def test_every_named_agency_exists_once_per_province(document_number):
    plan = Plan.objects.get(document_number=document_number)
    names = [_fold(n) for n in Agency.objects.filter(province=plan.province).values_list("name", flat=True)]
    assert len(names) == len(set(names))
    for agency in Agency.objects.filter(province=plan.province):
        others = set(names) - {_fold(agency.name)}
        assert not {_fold(a) for a in agency.aliases} & others, f"an alias of {agency} names another agency"
    assert Agency.objects.filter(province=plan.province, is_coordinator=True).get().name == "Sở Nội vụ"


def test_spelling_variants_are_one_agency():
    an_giang_trade = Agency.objects.get(province__code="an-giang", name="Sở Công Thương")
    assert "Sở Công thương" in an_giang_trade.aliases
    dak_nong_home_affairs = Agency.objects.get(province__code="dak-nong", name="Sở Nội vụ")
    assert "S Nội vụ" in dak_nong_home_affairs.aliases


def test_groups_are_groups_and_expand_to_their_members():
    districts = AgencyGroup.objects.get(province__code="an-giang", name="UBND cấp huyện")
    assert districts.agencies().count() == 11
    assert "UBND thành phố Long Xuyên" in districts.agencies().values_list("name", flat=True)
    assert not Agency.objects.filter(name__icontains="các huyện").exists()


def test_reporting_periods_follow_decree_09(an_giang_plan, dak_nong_plan):
    # Đắk Nông's plan (January) has all seven; An Giang's (10 April) starts after Q1's cut-off.
    assert dak_nong_plan.periods.count() == 7
    assert an_giang_plan.periods.count() == 6
    q1 = dak_nong_plan.periods.get(kind="quarter", quarter=1)
    assert (q1.start, q1.end) == (datetime.date(2019, 12, 15), datetime.date(2020, 3, 14))
    year = an_giang_plan.periods.get(kind=ReportingPeriod.Kind.YEAR)
    assert (year.start, year.end) == (datetime.date(2019, 12, 15), datetime.date(2020, 12, 14))
    assert year.due_date == datetime.date(2020, 12, 29)  # "trước ngày 30 tháng 12 năm 2020"


def test_one_demo_user_per_role():
    roles = set(Membership.objects.values_list("user__username", "role"))
    assert {("snv.angiang", "coordinator"), ("syt.angiang", "reporter"), ("ubnd.longxuyen", "reporter"),
            ("lanhdao.angiang", "viewer")} <= roles  # fmt: skip
    assert get_user_model().objects.get(username="admin").is_superuser


def test_loading_the_demo_again_changes_nothing():
    def snapshot():
        return (
            list(Task.objects.order_by("pk").values_list("pk", "title", "measure", "due_date", "dimension_id")),
            list(TaskAssignment.objects.order_by("pk").values_list("pk", "task_id", "role", "agency_id", "group_id")),
            list(Agency.objects.order_by("pk").values_list("pk", "name", "aliases")),
            list(Target.objects.order_by("pk").values_list("pk", "baseline_score", "target_score")),
            list(ReportingPeriod.objects.order_by("pk").values_list("pk", "start", "end", "due_date")),
            list(get_user_model().objects.order_by("pk").values_list("pk", "password", "is_staff")),
            list(Membership.objects.order_by("pk").values_list("pk", "user_id", "agency_id", "role")),
        )

    before = snapshot()
    load_demo()
    assert snapshot() == before
