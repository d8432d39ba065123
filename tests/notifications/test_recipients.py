"""Each event reaches exactly the users it should (notifications/recipients.py), over the cast's
roles; nobody is told of another province's report, nor of more than they may see."""

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from notifications import services
from notifications.models import Notification
from reporting import conversation, workflow
from reporting.access import visible_reports
from reporting.models import Report
from tests.factories import make_reporter

from .conftest import draft, sent, told

pytestmark = pytest.mark.django_db

Kind = Notification.Kind
AGENCY = {"lead_reporter", "colleague"}  # Sở Y tế's reporters


def _submit(w):
    w["report"] = sent(w["health"], w["year"], w["cast"]["lead_reporter"])


def _return(w):
    _submit(w)
    workflow.return_report(w["report"], w["cast"]["coordinator"], "Bổ sung minh chứng nhiệm vụ 6.1.")


def _accept(w):
    _submit(w)
    workflow.accept_report(w["report"], w["cast"]["coordinator"])


def _undo(w):
    _accept(w)
    w["report"].refresh_from_db()
    workflow.undo_accept(w["report"], w["cast"]["coordinator"], "Nhầm báo cáo.")


def _reopen(w):
    until = timezone.localdate() + datetime.timedelta(days=5)
    workflow.reopen_for_agency(w["year"], w["health"], w["cast"]["coordinator"], until, "Gửi muộn do mất điện.")


def _comment_by_coordinator(w):
    _submit(w)
    conversation.post_comment(w["report"], None, w["cast"]["coordinator"], "Đề nghị làm rõ số liệu.")


def _comment_by_reporter(w):
    _submit(w)
    conversation.post_comment(w["report"], None, w["cast"]["lead_reporter"], "Đã bổ sung.")


def _comment_on_a_draft(w):
    w["report"] = draft(w["health"], w["year"], w["cast"]["lead_reporter"])
    conversation.post_comment(w["report"], None, w["cast"]["lead_reporter"], "Ghi chú nội bộ.")


def _comment_on_a_coordinated_task(w):
    _submit(w)
    task = w["year"].plan.tasks.get(number="6.1")  # led by Sở Y tế; Long Xuyên coordinates it
    conversation.post_comment(w["report"], task, w["cast"]["coordinator"], "Long Xuyên đã phối hợp chưa?")


# event: (what happens, kind, roles told)
MATRIX = {
    "submit": (_submit, Kind.SUBMITTED, {"coordinator"}),
    "return": (_return, Kind.RETURNED, AGENCY),
    "accept": (_accept, Kind.ACCEPTED, AGENCY),
    "undo_accept": (_undo, Kind.ACCEPTANCE_UNDONE, AGENCY),
    "reopen": (_reopen, Kind.REOPENED, AGENCY),
    "comment_by_coordinator": (_comment_by_coordinator, Kind.COMMENT, AGENCY),
    "comment_by_reporter": (_comment_by_reporter, Kind.COMMENT, {"coordinator", "colleague"}),
    # A draft is the agency's own: its coordinators do not see it, nor its thread.
    "comment_on_a_draft": (_comment_on_a_draft, Kind.COMMENT, {"colleague"}),
    # A task's thread: the coordinating agency (Long Xuyên) takes part in it.
    "comment_on_a_coordinated_task": (_comment_on_a_coordinated_task, Kind.COMMENT, AGENCY | {"district_reporter"}),
}


@pytest.fixture
def world(cast, health, year):
    return {"cast": cast, "health": health, "year": year}


@pytest.mark.parametrize("event", sorted(MATRIX))
def test_each_event_reaches_exactly_whom_it_should(world, event, django_capture_on_commit_callbacks):
    act, kind, expected = MATRIX[event]
    with django_capture_on_commit_callbacks(execute=True):
        act(world)
    assert told(world["cast"], kind) == expected
    # Never the administrator, the viewer, nor anyone of Đắk Nông.
    assert not told(world["cast"], kind) & {"administrator", "viewer", "other_province_coordinator", "commune_reporter"}


@pytest.mark.parametrize("event", sorted(MATRIX))
def test_no_notification_carries_what_its_reader_may_not_open(client, world, event, django_capture_on_commit_callbacks):
    act, kind, expected = MATRIX[event]
    with django_capture_on_commit_callbacks(execute=True):
        act(world)
    made = list(Notification.objects.select_related("recipient", "agency", "period__plan"))
    assert made
    for notification in made:
        reader = notification.recipient
        if notification.report_id and notification.kind != Kind.COMMENT:
            assert visible_reports(reader).filter(pk=notification.report_id).exists()
        # Of the report's own province, always.
        provinces = set(reader.memberships.values_list("agency__province_id", flat=True))
        assert notification.period.plan.province_id in provinces
        # Its link opens for its reader (the thread's page for a comment, which a coordinating agency reads).
        client.force_login(reader)
        response = client.get(notification.link)
        assert response.status_code in (200, 302), (reader, notification.link)
        assert not response.get("Location", "").startswith("/dang-nhap"), (reader, notification.link)


def test_nothing_reaches_another_province_whatever_happens(world, django_capture_on_commit_callbacks, commune_reporter):
    """Every event of An Giang at once: Đắk Nông's coordinator and reporter are told of nothing;
    then Đắk Nông's own submission reaches its own coordinator only."""
    for act, _kind, _expected in MATRIX.values():
        Report.objects.filter(agency=world["health"]).delete()
        with django_capture_on_commit_callbacks(execute=True):
            act(world)
    cast = world["cast"]
    outside = [cast["other_province_coordinator"], cast["commune_reporter"]]
    assert not Notification.objects.filter(recipient__in=outside).exists()
    commune = commune_reporter.memberships.get().agency
    dak_nong_year = commune.province.plans.get(document_number="46/QĐ-UBND").periods.get(kind="year")
    with django_capture_on_commit_callbacks(execute=True):
        report = sent(commune, dak_nong_year, commune_reporter)
    assert told(cast, Kind.SUBMITTED, report) == {"other_province_coordinator"}


def test_bulk_accept_tells_each_agency_of_its_own_report(world, long_xuyen, django_capture_on_commit_callbacks):
    cast = world["cast"]
    health_report = sent(world["health"], world["year"], cast["lead_reporter"])
    city_report = sent(long_xuyen, world["year"], cast["district_reporter"])
    with django_capture_on_commit_callbacks(execute=True):
        workflow.accept_reports(
            world["year"], {health_report.pk: health_report.version, city_report.pk: city_report.version}, cast["coordinator"]
        )
    assert told(cast, Kind.ACCEPTED, health_report) == AGENCY
    assert told(cast, Kind.ACCEPTED, city_report) == {"district_reporter"}


def test_an_event_makes_its_rows_in_a_fixed_number_of_queries(world, long_xuyen, django_assert_num_queries):
    # Read the reports with their agency and plan, read the reporters, one INSERT (the e-mails
    # wait for the commit): three queries for one report and one reader or many of each.
    cast = world["cast"]
    one = sent(world["health"], world["year"], cast["lead_reporter"])
    with django_assert_num_queries(3):
        assert len(services.reports_accepted([one], cast["coordinator"])) == 2
    for number in range(6):
        make_reporter(f"lx{number}", long_xuyen)
    several = [one, sent(long_xuyen, world["year"], cast["district_reporter"])]
    with django_assert_num_queries(3):
        assert len(services.reports_accepted(several, cast["coordinator"])) == 2 + 7


def test_the_actor_and_inactive_users_are_not_told(world, django_capture_on_commit_callbacks):
    cast = world["cast"]
    cast["colleague"].is_active = False
    cast["colleague"].save()
    with django_capture_on_commit_callbacks(execute=True):
        _return(world)
    assert told(cast, Kind.RETURNED) == {"lead_reporter"}
    with django_capture_on_commit_callbacks(execute=True):
        conversation.post_comment(world["report"], None, cast["lead_reporter"], "Đã rõ.")
    assert told(cast, Kind.COMMENT) == {"coordinator"}  # a returned report is sent: its reviewer reads the thread


def test_a_comment_without_its_model_is_told_from_what_it_carries(world):
    """The listener reads only report, task, author and body: a stand-in is enough."""
    cast = world["cast"]
    report = sent(world["health"], world["year"], cast["lead_reporter"])
    comment = SimpleNamespace(report=report, task=None, author=cast["coordinator"], body="  Đề nghị   làm rõ.  ")
    made = services.comment_posted(comment, cast["coordinator"])
    assert {n.recipient_id for n in made} == {cast["lead_reporter"].pk, cast["colleague"].pk}
    assert "“Đề nghị làm rõ.”" in made[0].text and made[0].link == f"/bao-cao/{report.pk}/trao-doi/"
    assert services.comment_posted(SimpleNamespace(report=None), None) == []


def test_the_texts_name_the_agency_period_and_plan_and_link_where_the_reader_goes(world, django_capture_on_commit_callbacks):
    cast = world["cast"]
    with django_capture_on_commit_callbacks(execute=True):
        _return(world)
    submitted = Notification.objects.get(kind=Kind.SUBMITTED)
    assert submitted.text == "Sở Y tế đã gửi báo cáo kỳ Năm 2020 (Kế hoạch 179/KH-UBND)."
    assert submitted.link == f"/bao-cao/{world['report'].pk}/"
    returned = Notification.objects.filter(kind=Kind.RETURNED, recipient=cast["lead_reporter"]).get()
    assert "bị trả lại để bổ sung: Bổ sung minh chứng nhiệm vụ 6.1." in returned.text
    assert returned.link == f"/ky-bao-cao/{world['year'].pk}/co-quan/{world['health'].pk}/"  # the form, to fix it
