"""Plans as they are issued: targets of every kind judged on the dashboard, plans of several
years, plans issued below the province and run by their own coordinating agency, and what a
document leaves unsaid (no lead, no timeframe, names given for a whole block)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from indicators.models import Dimension, Score
from plans import access
from plans.models import Agency, AgencyKind, Membership, Plan, Target, Task, TaskAssignment
from reporting import progress
from tests.factories import make_reporter

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2020, 10, 1)


def judged(plan, **aims):
    """The first dimension's signal once its target has these aims (An Giang 2020, dimension 1:
    4.6170, rank 46)."""
    Target.objects.filter(plan=plan, dimension__number=1).update(
        **{"target_score": None, "target_group": None, "target_rank": None, "rank_rise": None, **aims}
    )
    rows = progress.plan_progress(plan, today=TODAY).dimensions
    return next(r for r in rows if r.dimension and r.dimension.number == 1).signal


def test_each_kind_of_target_is_judged_against_the_published_figures(small_plan):
    plan = small_plan["plan"]
    Score.objects.filter(province=plan.province, year=2020, dimension__number=1, sub_dimension=None).update(value=Decimal("4.61"))
    assert judged(plan, target_score=Decimal("4.61")) == progress.Signal.MET  # "đạt 4,61": at least
    assert judged(plan, target_score=Decimal("4.61"), comparator="gt") == progress.Signal.MISSED  # "trên": above
    assert judged(plan, target_score=Decimal("4.60"), comparator="gt") == progress.Signal.MET
    assert judged(plan, target_rank=46) == progress.Signal.MET  # top 46
    assert judged(plan, target_rank=45) == progress.Signal.MISSED
    baseline_rank = Score.objects.get(province=plan.province, year=2018, dimension__number=1, sub_dimension=None).rank
    rise = baseline_rank - 46
    if rise >= 1:
        assert judged(plan, rank_rise=rise) == progress.Signal.MET
    assert judged(plan, rank_rise=max(rise, 0) + 1) == progress.Signal.MISSED
    # Several aims together: every one must be met.
    assert judged(plan, target_score=Decimal("4.00"), target_rank=45) == progress.Signal.MISSED


def test_the_dashboard_and_plan_page_show_the_aims_as_written(client, coordinator, small_plan):
    plan = small_plan["plan"]
    Target.objects.filter(plan=plan, dimension__number=1).update(
        target_score=Decimal("5.40"), comparator="gt", target_rank=20, rank_rise=1, text="trên 5,40 điểm"
    )
    client.force_login(coordinator)
    page = client.get(reverse("plan_detail", args=[plan.pk])).content.decode()
    assert "trên 5,40" in page and "tốp 20, tăng ít nhất 1 bậc" in page and "“trên 5,40 điểm”" in page
    dashboard = client.get(reverse("plan_dashboard", args=[plan.pk])).content.decode()
    assert "trên 5,40" in dashboard and "tốp 20" in dashboard


def test_a_plan_of_several_years_judges_the_targets_of_the_year_in_view(an_giang_plan):
    plan = Plan.objects.create(
        province=an_giang_plan.province, year=2019, end_year=2020, title="Chương trình 2019–2020",
        document_number="CT-1/KH-UBND", baseline_year=2018,
    )  # fmt: skip
    first = Dimension.objects.for_year(2020).get(number=1)
    Target.objects.create(plan=plan, dimension=first, year=2019, target_score=Decimal("9.00"))
    Target.objects.create(plan=plan, dimension=first, year=2020, target_score=Decimal("4.50"))
    assert plan.years_label == "2019–2020" and list(plan.years) == [2019, 2020]
    state = progress.plan_progress(plan, today=datetime.date(2020, 10, 1))
    row = next(r for r in state.dimensions if r.dimension == first)
    assert state.year == 2020 and row.target.target_score == Decimal("4.50") and row.signal == progress.Signal.MET
    earlier = progress.plan_progress(plan, today=datetime.date(2019, 10, 1))
    assert earlier.year == 2019
    assert next(r for r in earlier.dimensions if r.dimension == first).target.target_score == Decimal("9.00")
    # A date in its last year is within its bounds; a year outside it is refused for a target.
    assert plan.date_bounds()[1] == datetime.date(2021, 12, 31)
    with pytest.raises(ValidationError) as refused:
        Target(plan=plan, dimension=first, year=2022, target_score=Decimal("5")).full_clean()
    assert "year" in refused.value.message_dict


def test_the_end_year_comes_after_the_first(an_giang_plan):
    an_giang_plan.end_year = 2020
    with pytest.raises(ValidationError) as refused:
        an_giang_plan.full_clean()
    assert "end_year" in refused.value.message_dict


@pytest.fixture
def district_plan(an_giang_plan):
    """Long Xuyên's own 2020 plan implementing the province's, run by its Phòng Nội vụ."""
    province = an_giang_plan.province
    committee = Agency.objects.get(province=province, name="UBND thành phố Long Xuyên")
    office = Agency.objects.create(province=province, name="Phòng Nội vụ thành phố Long Xuyên", kind=AgencyKind.OTHER)
    plan = Plan.objects.create(
        province=province, year=2020, title="Kế hoạch PAPI của thành phố Long Xuyên", document_number="12/KH-UBND",
        baseline_year=2018, issuer_kind=Plan.IssuerKind.DISTRICT, issuing_agency=committee,
        coordinating_agency=office, parent=an_giang_plan,
    )  # fmt: skip
    plan.full_clean()
    return plan


def test_a_plan_issued_below_the_province_is_run_by_its_own_coordinating_agency(client, district_plan, an_giang_plan):
    office = district_plan.coordinating_agency
    clerk = make_reporter("pnv.longxuyen", office)
    membership = Membership.objects.get(user=clerk, agency=office)
    membership.role = Membership.Role.COORDINATOR
    membership.full_clean()  # allowed: the agency coordinates a plan
    membership.save()
    assert set(access.managed_plans(clerk)) == {district_plan}
    assert district_plan in access.followed_plans(clerk)
    assert not access.coordinated_province_ids(clerk).exists()  # not the province's coordinator
    assert access.administers_or_coordinates(clerk)  # two-factor login, as any coordinator
    client.force_login(clerk)
    assert client.get(reverse("plan_targets", args=[district_plan.pk])).status_code == 200
    assert client.get(reverse("plan_targets", args=[an_giang_plan.pk])).status_code == 404
    page = client.get(reverse("plan_detail", args=[district_plan.pk])).content.decode()
    assert "UBND thành phố Long Xuyên" in page and "UBND cấp huyện (trước 01/07/2025)" in page
    assert "Phòng Nội vụ thành phố Long Xuyên" in page and "179/KH-UBND" in page


def test_a_coordinator_role_needs_the_provinces_home_affairs_or_a_plans_coordinating_agency(an_giang_plan):
    health = Agency.objects.get(province=an_giang_plan.province, name="Sở Y tế")
    clerk = make_reporter("yte.clerk", health)
    membership = Membership.objects.get(user=clerk, agency=health)
    membership.role = Membership.Role.COORDINATOR
    with pytest.raises(ValidationError):
        membership.full_clean()


def test_who_issues_a_plan_follows_the_levels_of_government(district_plan):
    district_plan.year, district_plan.baseline_year = 2026, 2024
    with pytest.raises(ValidationError) as refused:
        district_plan.clean()
    assert "issuer_kind" in refused.value.message_dict  # no districts after 1/7/2025
    district_plan.year, district_plan.baseline_year = 2020, 2018
    district_plan.issuer_kind = Plan.IssuerKind.COMMUNE
    with pytest.raises(ValidationError) as refused:
        district_plan.clean()
    assert {"issuer_kind", "issuing_agency"} <= set(refused.value.message_dict)  # a district is not a commune
    district_plan.issuer_kind, district_plan.issuing_agency = Plan.IssuerKind.DEPARTMENT, None
    with pytest.raises(ValidationError) as refused:
        district_plan.clean()
    assert "issuing_agency" in refused.value.message_dict


def test_what_the_document_does_not_say_stays_unsaid_on_the_page_and_in_the_pdf(client, coordinator, an_giang_plan, tmp_path):
    from tests.pdf import pdf_text

    task = Task.objects.create(
        plan=an_giang_plan, number="9.9", order=999, title="Nhiệm vụ không nêu cơ quan",
        timeframe_kind=Task.TimeframeKind.UNSTATED,
    )  # fmt: skip
    home_affairs = Agency.objects.get(province=an_giang_plan.province, name="Sở Nội vụ")
    TaskAssignment.objects.create(task=task, role="coordinating", agency=home_affairs, from_block=True)
    client.force_login(coordinator)
    page = client.get(reverse("plan_detail", args=[an_giang_plan.pk])).content.decode()
    row = page[page.index("Nhiệm vụ không nêu cơ quan") :][:1500]
    assert "Không nêu" in row and "(ghi chung cho khối)" in row and "theo kế hoạch: đến 31/12/2020" in row
    pdf = " ".join(pdf_text(client.get(reverse("plan_pdf", args=[an_giang_plan.pk])).content, tmp_path).split())
    row = pdf[pdf.index("Nhiệm vụ không nêu cơ quan") :]
    assert row.count("Không nêu") == 2 and "(chung cho" in row and "theo thời hạn của kế hoạch" in row


def test_the_national_view_follows_the_provinces_own_plans_not_those_issued_below(client, administrator, district_plan):
    # The district's plan is newer (same year, issued later) but not the province's own.
    Plan.objects.filter(pk=district_plan.pk).update(issue_date=datetime.date(2020, 12, 1))
    latest = progress.current_plans()
    assert district_plan not in latest.values()
    unit = district_plan.province.successor or district_plan.province
    assert latest[unit].document_number != "12/KH-UBND"


def test_the_targets_page_sets_one_year_at_a_time_and_keeps_the_aims_it_does_not_show(client, coordinator, an_giang_plan):
    plan = Plan.objects.create(
        province=an_giang_plan.province, year=2019, end_year=2020, title="Chương trình 2019–2020",
        document_number="CT-2/KH-UBND", baseline_year=2018,
    )  # fmt: skip
    dimensions = list(Dimension.objects.for_year(2020).order_by("number"))
    ranked = Target.objects.create(plan=plan, dimension=dimensions[0], year=2020, target_rank=20, text="tốp 20")
    client.force_login(coordinator)
    page = client.get(reverse("plan_targets", args=[plan.pk]) + "?nam=2020").content.decode()
    assert "Chỉ tiêu theo chỉ số nội dung năm 2020" in page and "tốp 20" in page
    data = {f"d{d.pk}-target_score": "" for d in dimensions} | {f"d{d.pk}-target_group": "" for d in dimensions}
    data[f"d{dimensions[1].pk}-target_score"] = "6,10"
    response = client.post(reverse("plan_targets", args=[plan.pk]) + "?nam=2020", data)
    assert response.status_code == 302 and response["Location"].endswith("?nam=2020")
    saved = Target.objects.get(plan=plan, dimension=dimensions[1])
    assert saved.year == 2020 and saved.target_score == Decimal("6.10")
    ranked.refresh_from_db()  # its score and group left empty on the page: its rank aim stays
    assert ranked.target_rank == 20
    # The first year's page shows none of 2020's targets.
    first = client.get(reverse("plan_targets", args=[plan.pk])).content.decode()
    assert "Chỉ tiêu theo chỉ số nội dung năm 2019" in first and "tốp 20" not in first


def test_a_sub_dimension_target_is_judged_with_its_dimension(client, coordinator, small_plan):
    plan = small_plan["plan"]
    score = Score.objects.filter(province=plan.province, year=2020, sub_dimension__dimension__number=3).first()
    assert score is not None  # published sub-dimension scores 2018–2024 are reference data
    sub = score.sub_dimension
    target = Target.objects.create(plan=plan, dimension=sub.dimension, sub_dimension=sub, target_score=score.value - 1)
    row = next(r for r in progress.plan_progress(plan, today=TODAY).dimensions if r.dimension == sub.dimension)
    assert [(s.target, s.actual, s.met) for s in row.sub_targets] == [(target, score.value, True)]
    assert row.signal == progress.Signal.MET  # dimension 3 has no target of its own: its sub-dimension's decides
    Target.objects.filter(pk=target.pk).update(target_score=min(score.value + 1, Decimal("10")))
    row = next(r for r in progress.plan_progress(plan, today=TODAY).dimensions if r.dimension == sub.dimension)
    assert row.sub_targets[0].met is False and row.signal == progress.Signal.MISSED
    client.force_login(coordinator)
    assert f"{sub.code}: " in client.get(reverse("plan_dashboard", args=[plan.pk])).content.decode()
