import datetime

import pytest
from django.urls import reverse

from plans.models import Agency, Plan
from reporting import workflow
from reporting.models import Report
from tests.factories import add_tasks

pytestmark = pytest.mark.django_db

HOME = reverse("home")


def plans_listed(client, user):
    client.force_login(user)
    response = client.get(HOME)
    assert response.status_code == 200
    return {plan.document_number for plan in response.context["plans"]}


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_page_is_vietnamese(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert '<html lang="vi">' in response.text
    assert "Đăng nhập" in response.text and "Tên đăng nhập" in response.text


@pytest.mark.parametrize(
    ("cast", "expected"),
    [
        ("coordinator", {"179/KH-UBND"}),
        ("lead_reporter", {"179/KH-UBND"}),
        ("district_reporter", {"179/KH-UBND"}),
        ("viewer", {"179/KH-UBND"}),
        ("other_province_coordinator", {"46/QĐ-UBND"}),
        ("commune_reporter", {"46/QĐ-UBND"}),
        ("administrator", {"179/KH-UBND", "46/QĐ-UBND"}),
        ("outsider", set()),
    ],
)
def test_home_lists_only_the_plans_the_role_may_see(client, request, cast, expected):
    assert plans_listed(client, request.getfixturevalue(cast)) == expected


def test_a_draft_plan_is_shown_to_its_coordinators_only(client, coordinator, viewer, district_reporter, an_giang_plan):
    Plan.objects.filter(pk=an_giang_plan.pk).update(status=Plan.Status.DRAFT)
    assert plans_listed(client, coordinator) == {"179/KH-UBND"}
    assert plans_listed(client, viewer) == set()
    client.force_login(district_reporter)
    assert client.get(HOME).context["todo"] == []  # nor its periods


def test_a_reporter_lands_on_the_agencys_to_do_list(client, district_reporter, an_giang_plan):
    client.force_login(district_reporter)
    todo = client.get(HOME).context["todo"]
    assert [item.period.label for item in todo] == [
        "Quý 2/2020",
        "6 tháng 2020",
        "Quý 3/2020",
        "9 tháng 2020",
        "Quý 4/2020",
        "Năm 2020",
    ]
    assert {item.agency.name for item in todo} == {"UBND thành phố Long Xuyên"}
    assert all(item.status == "not_started" and item.editable for item in todo)


def test_the_to_do_list_counts_days_left_or_overdue(district_reporter):
    from reporting.readers import todo_list

    todo = {item.period.label: item for item in todo_list(district_reporter, today=datetime.date(2020, 12, 20))}
    # Working days, from Sunday 20/12/2020: Mon 21 … Fri 25, Mon 28, Tue 29.
    assert todo["Năm 2020"].days_left == 7  # due 29/12/2020
    assert todo["Quý 4/2020"].days_left == -2  # due Wed 16/12/2020 (Monday 14/12 + 2 working days): Thu 17, Fri 18


def test_a_returned_report_shows_the_reviewers_note_on_the_list(client, district_reporter, coordinator, an_giang_plan):
    agency = Agency.objects.get(name="UBND thành phố Long Xuyên")
    period = an_giang_plan.periods.get(kind="year")
    report = Report.objects.create(
        agency=agency, period=period, status="submitted", submitted_at=datetime.datetime.now(datetime.UTC)
    )
    workflow.return_report(report, coordinator, "Bổ sung số liệu tiếp công dân.")
    client.force_login(district_reporter)
    page = client.get(HOME).text
    assert "Trả lại để bổ sung" in page and "Bổ sung số liệu tiếp công dân." in page


def test_home_runs_the_same_queries_for_a_small_or_large_plan(
    client, district_reporter, an_giang_plan, django_assert_num_queries
):
    # The header's unread notifications; then session, user, the session's two-factor device, memberships, plans with counts,
    # plans followed;
    # the to-do list: reporting agencies, open periods, their reports, lock exceptions
    client.force_login(district_reporter)
    add_tasks(an_giang_plan, 10, agency_name="UBND thành phố Long Xuyên")
    with django_assert_num_queries(11):
        client.get(HOME)
    add_tasks(an_giang_plan, 190, agency_name="UBND thành phố Long Xuyên")
    with django_assert_num_queries(11):
        client.get(HOME)


def test_a_locked_period_stays_on_the_list_for_an_agency_let_back_in(district_reporter, coordinator, an_giang_plan):
    from reporting.models import ReportingPeriod
    from reporting.readers import todo_list

    year = an_giang_plan.periods.get(kind="year")
    ReportingPeriod.objects.filter(pk=year.pk).update(status=ReportingPeriod.Status.LOCKED)
    assert "Năm 2020" not in [i.period.label for i in todo_list(district_reporter)]
    year.refresh_from_db()
    agency = Agency.objects.get(name="UBND thành phố Long Xuyên")
    workflow.reopen_for_agency(year, agency, coordinator, datetime.date.today() + datetime.timedelta(days=3), "Mất điện.")
    item = next(i for i in todo_list(district_reporter) if i.period.label == "Năm 2020")
    assert item.block is None and item.editable


def test_the_to_do_list_runs_the_same_queries_for_more_plans_and_periods(
    client, district_reporter, an_giang_plan, django_assert_num_queries
):
    from reporting.calendar import create_periods

    client.force_login(district_reporter)
    with django_assert_num_queries(11):
        assert len(client.get(HOME).context["todo"]) == 6
    for year in (2021, 2022, 2023):  # three more plans, seven periods each
        plan = Plan.objects.create(
            province=an_giang_plan.province,
            year=year,
            title=f"Kế hoạch {year}",
            document_number=f"{year}/KH",
            baseline_year=year - 2,
        )
        create_periods(plan)
    with django_assert_num_queries(11):
        assert len(client.get(HOME).context["todo"]) == 27


def test_the_plan_list_leads_followers_to_the_dashboard(client, viewer, lead_reporter, an_giang_plan):
    link = reverse("plan_dashboard", args=[an_giang_plan.pk])
    client.force_login(viewer)
    assert link in client.get(reverse("home")).text
    client.force_login(lead_reporter)  # reports on its own tasks; the plan's progress is not its page
    assert link not in client.get(reverse("home")).text


def test_the_ways_to_the_new_pages_are_linked(client, coordinator, lead_reporter):
    """The public plans from the login page (no login needed), the API tokens from a coordinator's home."""
    assert reverse("public_index") in client.get(reverse("login")).text
    client.force_login(coordinator)
    assert reverse("api_tokens") in client.get(HOME).text
    client.force_login(lead_reporter)
    assert reverse("api_tokens") not in client.get(HOME).text
