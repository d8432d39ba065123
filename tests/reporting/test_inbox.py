"""The coordinator's inbox ("Việc cần làm") and the review queue's bulk actions: accepting
several reports after one confirmation, reminding agencies now, undoing an acceptance."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from plans.models import Agency, Membership
from reporting import workflow
from reporting.inbox import coordinator_inbox
from reporting.models import PeriodReopening, ReminderLog, Report
from reporting.readers import review_queue
from tests.factories import add_communes, add_tasks, make_reporter, report

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _messages(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


@pytest.fixture
def daknong(dak_nong_plan):
    """Đắk Nông's periods with reports in every state, and a reopening in force."""
    periods = {p.label: p for p in dak_nong_plan.periods.all()}
    year, q4 = periods["Năm 2020"], periods["Quý 4/2020"]
    agencies = list(Agency.objects.filter(province=dak_nong_plan.province).order_by("pk"))
    for agency, status in zip(
        agencies[:6], ["submitted", "submitted", "draft", "returned", "accepted", "submitted"], strict=True
    ):
        report(agency, year, status, sent_on=None if status == "draft" else year.due_date)
    report(agencies[0], q4, "submitted", sent_on=q4.due_date - datetime.timedelta(days=3))
    PeriodReopening.objects.create(period=q4, agency=agencies[7], until=TODAY + datetime.timedelta(days=3), reason="Bão.")
    PeriodReopening.objects.create(period=q4, agency=agencies[8], until=TODAY - datetime.timedelta(days=1), reason="Cũ.")
    return {"year": year, "q4": q4, "agencies": agencies}


def test_the_inbox_counts_equal_the_review_queues(other_province_coordinator, daknong):
    inbox = coordinator_inbox(other_province_coordinator)
    rows = {row.period.pk: row for row in inbox.periods}
    assert len(rows) == 7  # every open period of the plan
    for row in inbox.periods:
        period = row.period
        queue = review_queue(period)
        assert row.expected == queue.expected
        assert row.waiting == queue.by_status.get("submitted", 0) == len(review_queue(period, {"status": "submitted"}).rows)
        assert row.pending == queue.pending == len(review_queue(period, {"status": "pending"}).rows)
        assert row.not_started == len(review_queue(period, {"status": "not_started"}).rows)
        assert row.reopened == len(review_queue(period, {"reopened": "1"}).rows)
    year, q4 = rows[daknong["year"].pk], rows[daknong["q4"].pk]
    assert (year.waiting, year.pending, q4.waiting, q4.reopened) == (3, year.expected - 4, 1, 1)
    assert [row.period for row in inbox.to_review] == [daknong["q4"], daknong["year"]]  # the longest waiting first
    assert inbox.waiting_reports[0].period == daknong["q4"] and len(inbox.waiting_reports) == 4
    assert inbox.closing == []  # every 2020 period is long past


def test_periods_closing_this_week(other_province_coordinator, daknong):
    year = daknong["year"]
    year.__class__.objects.filter(pk=year.pk).update(due_date=TODAY + datetime.timedelta(days=2))
    assert [row.period.pk for row in coordinator_inbox(other_province_coordinator).closing] == [year.pk]


def test_each_count_links_to_its_filtered_list(client, other_province_coordinator, daknong):
    client.force_login(other_province_coordinator)
    response = client.get(reverse("coordinator_inbox"))
    assert response.status_code == 200
    links = re.findall(r'href="(/ky-bao-cao/\d+/\?[^"]+)">(\d+)(?:/\d+)?</a>', response.text)
    assert len(links) == 2 + 2 * 7 + 1  # waiting in two periods; not sent, not started in seven; one reopening
    assert {re.search(r"\?(\w+)=", url).group(1) for url, _count in links} == {"status", "reopened"}
    for url, count in links:
        listed = client.get(url.replace("&amp;", "&")).context["queue"].rows
        assert len(listed) == int(count), url


def test_home_links_coordinators_to_the_inbox_first(client, other_province_coordinator, commune_reporter):
    client.force_login(other_province_coordinator)
    text = client.get(reverse("home")).text
    assert text.index(reverse("coordinator_inbox")) < text.index("Kế hoạch nâng cao Chỉ số PAPI</h2>")
    client.force_login(commune_reporter)
    assert reverse("coordinator_inbox") not in client.get(reverse("home")).text


@pytest.mark.parametrize("user, chosen", [("other_province_coordinator", False), ("administrator", True)])
def test_the_inbox_runs_the_same_queries_whatever_the_data(
    client, request, user, chosen, daknong, dak_nong_plan, django_assert_num_queries
):
    # An administrator's is the same, with the provinces to pick from instead of whether the user coordinates.
    # The header's unread notifications; then session, user, two-factor device; whether the user coordinates; the periods;
    # the plans'
    # assignments; their groups, named members, members by kind; the reports' statuses; the
    # reopenings in force; the oldest waiting reports
    client.force_login(request.getfixturevalue(user))
    url = reverse("coordinator_inbox") + (f"?tinh={dak_nong_plan.province_id}" if chosen else "")
    for communes, tasks in ((5, 5), (60, 100)):
        for commune in add_communes(dak_nong_plan.province, communes, start=1000 * communes):
            report(commune, daknong["year"], "submitted", sent_on=daknong["year"].due_date)
        add_tasks(dak_nong_plan, tasks, agency_name="UBND xã Đắk Nia")
        with django_assert_num_queries(13):
            response = client.get(url)
    assert response.context["inbox"].waiting_total == 4 + 65


def test_an_administrators_inbox_is_one_provinces_at_a_time(
    client, administrator, other_province_coordinator, daknong, an_giang_plan
):
    """The country's periods are hundreds: the administrator picks a province, then sees what its
    coordinator sees."""
    client.force_login(administrator)
    url = reverse("coordinator_inbox")
    first = client.get(url)
    assert first.status_code == 200 and first.context["inbox"].to_pick and not first.context["inbox"].periods
    assert f'<option value="{daknong["year"].plan.province_id}"' in first.text
    chosen = client.get(url, {"tinh": daknong["year"].plan.province_id}).context["inbox"]
    coordinators = coordinator_inbox(other_province_coordinator)
    assert [(r.period.pk, r.waiting, r.pending, r.reopened) for r in chosen.periods] == [
        (r.period.pk, r.waiting, r.pending, r.reopened) for r in coordinators.periods
    ]
    assert {r.period.plan.province_id for r in chosen.periods} == {daknong["year"].plan.province_id}
    assert client.get(url, {"tinh": "x' or 1=1"}).context["inbox"].to_pick


def test_each_table_lists_its_first_rows_and_counts_the_rest(other_province_coordinator, daknong, monkeypatch):
    from reporting import inbox as inbox_module

    monkeypatch.setattr(inbox_module, "ROWS_SHOWN", 1)
    inbox = coordinator_inbox(other_province_coordinator)
    tables = inbox.tables
    assert tables["to_review"].rows == inbox.to_review[:1] and tables["to_review"].more == len(inbox.to_review) - 1 == 1
    assert len(tables["missing"].rows) == 1 and tables["missing"].more == len(inbox.missing) - 1
    everything = coordinator_inbox(other_province_coordinator, everything=True).tables
    assert everything["to_review"].rows == inbox.to_review and everything["to_review"].more == 0


def test_the_rows_left_out_are_one_click_away(client, other_province_coordinator, daknong, monkeypatch):
    from reporting import inbox as inbox_module

    monkeypatch.setattr(inbox_module, "ROWS_SHOWN", 1)
    client.force_login(other_province_coordinator)
    first = client.get(reverse("coordinator_inbox"))
    assert 'href="?tat-ca=1"' in first.text
    everything = client.get(reverse("coordinator_inbox"), {"tat-ca": "1"})
    assert 'href="?tat-ca=1"' not in everything.text
    assert len(everything.context["inbox"].tables["to_review"].rows) == len(first.context["inbox"].to_review) == 2


# --- accepting several reports at once --------------------------------------------------


def _submitted(plan, period, count, start=500):
    communes = add_communes(plan.province, count, start=start)
    return [report(commune, period, "submitted", sent_on=period.due_date) for commune in communes]


def test_bulk_accept_asks_first_then_accepts_all(client, other_province_coordinator, year, dak_nong_plan):
    reports = _submitted(dak_nong_plan, year, 20)
    client.force_login(other_province_coordinator)
    url = reverse("bulk_accept", args=[year.pk])
    chosen = [r.agency_id for r in reports] + [Agency.objects.get(name="UBND xã Đắk Nia").pk]  # has not sent
    response = client.post(url, {"agency": chosen})
    assert response.status_code == 200 and len(response.context["reports"]) == 20
    assert [r.agency.name for r in response.context["refused"]] == []  # no report at all: not listed
    assert not Report.objects.filter(period=year, status="accepted").exists()  # the first step changes nothing
    response = client.post(url, {"token": response.context["token"]}, follow=True)
    assert Report.objects.filter(pk__in=[r.pk for r in reports], status="accepted").count() == 20
    assert "Đã tiếp nhận 20 báo cáo." in _messages(response)
    accepted = Report.objects.get(pk=reports[0].pk)
    assert accepted.reviewed_by == other_province_coordinator
    assert accepted.history.first().history_user == other_province_coordinator


def test_bulk_accept_is_all_or_nothing(client, other_province_coordinator, year, dak_nong_plan):
    reports = _submitted(dak_nong_plan, year, 20)
    client.force_login(other_province_coordinator)
    url = reverse("bulk_accept", args=[year.pk])
    token = client.post(url, {"agency": [r.agency_id for r in reports]}).context["token"]
    stale = reports[7]
    Report.objects.filter(pk=stale.pk).update(status="returned")  # returned by a colleague meanwhile
    response = client.post(url, {"token": token}, follow=True)
    assert not Report.objects.filter(period=year, status="accepted").exists()
    (message,) = _messages(response)
    assert "Chưa tiếp nhận báo cáo nào" in message and stale.agency.name in message


def test_bulk_accept_refuses_a_report_changed_since_the_confirmation(other_province_coordinator, year, dak_nong_plan):
    reports = _submitted(dak_nong_plan, year, 3)
    versions = {r.pk: r.version for r in reports}
    Report.objects.filter(pk=reports[0].pk).update(version=5)  # returned and sent again meanwhile
    with pytest.raises(workflow.WorkflowError, match=reports[0].agency.name):
        workflow.accept_reports(year, versions, other_province_coordinator)
    assert not Report.objects.filter(period=year, status="accepted").exists()


def test_a_forged_or_foreign_token_is_refused(client, other_province_coordinator, year, dak_nong_plan, an_giang_plan):
    reports = _submitted(dak_nong_plan, year, 2)
    client.force_login(other_province_coordinator)
    token = client.post(reverse("bulk_accept", args=[year.pk]), {"agency": [r.agency_id for r in reports]}).context["token"]
    other = dak_nong_plan.periods.exclude(pk=year.pk).first()
    for period, data in ((year, {"token": token + "x"}), (other, {"token": token})):
        response = client.post(reverse("bulk_accept", args=[period.pk]), data, follow=True)
        assert "không hợp lệ" in _messages(response)[0]
    assert not Report.objects.filter(status="accepted").exists()


def test_bulk_accept_runs_the_same_queries_for_5_or_20_reports(
    client, other_province_coordinator, year, dak_nong_plan, django_assert_num_queries
):
    # session, user, two-factor device, the period; savepoint, lock the reports, update them,
    # their history rows, the plan's progress version, release
    client.force_login(other_province_coordinator)
    url = reverse("bulk_accept", args=[year.pk])
    for count in (5, 20):
        Report.objects.filter(period=year).delete()
        reports = _submitted(dak_nong_plan, year, count, start=100 * count)
        token = client.post(url, {"agency": [r.agency_id for r in reports]}).context["token"]
        with django_assert_num_queries(10):
            client.post(url, {"token": token})
        assert Report.objects.filter(period=year, status="accepted").count() == count


@pytest.mark.parametrize("role", ["district_reporter", "lead_reporter", "viewer", "other_province_coordinator"])
def test_no_bulk_action_for_anyone_but_the_periods_coordinators(client, request, role, coordinator, an_giang_plan):
    period = an_giang_plan.periods.get(kind="year")
    health = Agency.objects.get(province=an_giang_plan.province, name="Sở Y tế")
    sent = report(health, period, "submitted", sent_on=period.due_date)
    client.force_login(coordinator)
    token = client.post(reverse("bulk_accept", args=[period.pk]), {"agency": [health.pk]}).context["token"]
    workflow.accept_report(sent, coordinator)
    client.force_login(request.getfixturevalue(role))
    for name, data in (
        ("bulk_accept", {"agency": [health.pk]}),
        ("bulk_accept", {"token": token}),
        ("period_remind", {"agency": [health.pk]}),
        ("period_remind", {"all": "1"}),
    ):
        assert client.post(reverse(name, args=[period.pk]), data).status_code == 404, name
    assert client.post(reverse("report_undo_accept", args=[sent.pk]), {"reason": "x"}).status_code == 404
    assert client.post(reverse("report_accept", args=[sent.pk]), {"confirmed": "1"}).status_code == 404
    assert Report.objects.get(pk=sent.pk).status == "accepted"


# --- accepting one report, and undoing it ------------------------------------------------


def test_accepting_one_report_asks_first(client, other_province_coordinator, year, commune):
    sent = report(commune, year, "submitted", sent_on=year.due_date)
    client.force_login(other_province_coordinator)
    url = reverse("report_accept", args=[sent.pk])
    response = client.post(url, {"version": sent.version})
    assert response.status_code == 200 and response.context["single"] == sent
    assert 'name="confirmed" value="1"' in response.text
    assert Report.objects.get(pk=sent.pk).status == "submitted"
    response = client.post(url, {"version": sent.version, "confirmed": "1"})
    assert response.status_code == 302 and Report.objects.get(pk=sent.pk).status == "accepted"


def _department(plan):
    return Agency.objects.get(province=plan.province, is_coordinator=True)


def test_undo_accept_by_the_same_coordinator_while_the_period_is_open(
    client, other_province_coordinator, year, commune, dak_nong_plan
):
    colleague = get_user_model().objects.create_user("snv2.daknong", password="x")
    Membership.objects.create(user=colleague, agency=_department(dak_nong_plan), role="coordinator")
    sent = report(commune, year, "submitted", sent_on=year.due_date)
    accepted = workflow.accept_report(sent, other_province_coordinator)

    with pytest.raises(workflow.WorkflowError, match="Chỉ người đã tiếp nhận"):
        workflow.undo_accept(accepted, colleague, "Nhầm.")
    with pytest.raises(workflow.WorkflowError, match="Cần ghi lý do"):
        workflow.undo_accept(accepted, other_province_coordinator, "  ")
    year.status = "locked"
    year.save()
    with pytest.raises(workflow.WorkflowError, match="đã khóa hoặc đã đóng"):
        workflow.undo_accept(accepted, other_province_coordinator, "Nhầm.")
    year.status, year.grace_days = "open", 3  # closed three days after its 2020 due date
    year.save()
    with pytest.raises(workflow.WorkflowError, match="đã khóa hoặc đã đóng"):
        workflow.undo_accept(accepted, other_province_coordinator, "Nhầm.")
    year.grace_days = None
    year.save()
    assert Report.objects.get(pk=sent.pk).status == "accepted"

    client.force_login(colleague)
    page = client.get(reverse("report_detail", args=[sent.pk]))
    assert page.context["undo_form"] is None
    client.force_login(other_province_coordinator)
    assert client.get(reverse("report_detail", args=[sent.pk])).context["undo_form"] is not None
    client.post(reverse("report_undo_accept", args=[sent.pk]), {"reason": "Tiếp nhận nhầm cơ quan."})
    undone = Report.objects.get(pk=sent.pk)
    assert undone.status == "submitted"
    record = undone.history.first()
    assert (record.history_user, record.history_change_reason) == (other_province_coordinator, "Tiếp nhận nhầm cơ quan.")
    history = client.get(reverse("report_detail", args=[sent.pk])).context["history"]
    assert any(str(step.name) == "Hủy tiếp nhận" and step.reason == "Tiếp nhận nhầm cơ quan." for step in history)
    with pytest.raises(workflow.WorkflowError, match="Chỉ hủy tiếp nhận được báo cáo đã được tiếp nhận"):
        workflow.undo_accept(undone, other_province_coordinator, "Lần nữa.")


# --- reminding now ---------------------------------------------------------------------


def test_remind_now_mails_exactly_the_chosen_agencies_and_is_throttled(
    client, other_province_coordinator, year, dak_nong_plan, mailoutbox, django_capture_on_commit_callbacks
):
    province = dak_nong_plan.province
    chosen = [Agency.objects.get(name="UBND xã Đắk Nia"), Agency.objects.get(name="UBND huyện Cư Jút")]
    other = Agency.objects.get(name="UBND xã Nâm N'Jang")
    for i, agency in enumerate([*chosen, other]):
        make_reporter(f"r{i}", agency, email=f"r{i}@example.gov.vn")
    sent = Agency.objects.filter(province=province).exclude(pk__in=[a.pk for a in [*chosen, other]]).first()
    make_reporter("sent", sent, email="sent@example.gov.vn")
    report(sent, year, "submitted", sent_on=year.due_date)  # has sent: never reminded
    client.force_login(other_province_coordinator)
    url = reverse("period_remind", args=[year.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"agency": [a.pk for a in chosen] + [sent.pk]}, follow=True)
    assert sorted(m.to[0] for m in mailoutbox) == ["r0@example.gov.vn", "r1@example.gov.vn"]
    assert "Đã nhắc 2 cơ quan qua e-mail." in _messages(response)
    assert f"/ky-bao-cao/{year.pk}/co-quan/{chosen[0].pk}/" in mailoutbox[0].body + mailoutbox[1].body
    assert ReminderLog.objects.filter(period=year).count() == 2

    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"all": "1"}, follow=True)
    assert [m.to for m in mailoutbox] == [["r2@example.gov.vn"]]  # the other two were reminded today
    messages = _messages(response)
    assert "Đã nhắc 1 cơ quan qua e-mail." in messages
    assert any("2 cơ quan đã được nhắc trong 3 ngày qua" in m for m in messages)
    assert any("Chưa có địa chỉ e-mail" in m for m in messages)  # the rest have no reporter with an address
