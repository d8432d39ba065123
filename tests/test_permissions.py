"""Every URL of the app × every role. Out of scope answers 404, never 403, so nothing leaks.

A new URL without a row here fails test_every_url_is_in_the_matrix.
"""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from plans.models import Agency
from plans.obligations import tasks_for_agency
from reporting import workflow
from reporting.models import EvidenceFile, Export
from tests.factories import close_response, make_reporter
from tests.reporting import helpers

pytestmark = pytest.mark.django_db

ROLES = [
    "administrator",
    "coordinator",
    "other_province_coordinator",
    "lead_reporter",
    "coord_reporter",
    "unrelated_reporter",
    "viewer",
    "anonymous",
]


@pytest.fixture
def world(an_giang_plan, lead_reporter, district_reporter, coordinator):
    """Sở Y tế An Giang's submitted year report, with one evidence file."""
    health = Agency.objects.get(province=an_giang_plan.province, name="Sở Y tế")
    period = an_giang_plan.periods.get(kind="year")
    progress = {t.pk: {"status": "in_progress", "percent_done": 40, "achieved_value": None, "narrative": "x",
                       "evidence": "", "difficulties": ""}
                for t in tasks_for_agency(health, plan=an_giang_plan)}  # fmt: skip
    first = an_giang_plan.tasks.get(number="6.1").pk  # led by Sở Y tế; Long Xuyên only coordinates it
    report = workflow.save_draft(
        agency=health, period=period, user=lead_reporter, seen_version=0, difficulties="", proposals="",
        progress=progress, files={first: [_checked(helpers.pdf())]},
    )  # fmt: skip
    report = workflow.submit_report(report, lead_reporter, report.version)
    export = Export(kind=Export.Kind.PLAN_YEAR, plan=an_giang_plan, requested_by=coordinator, status="done", filename="a.zip")
    export.file.save("a.zip", ContentFile(b"PK"), save=True)
    return {
        "plan": an_giang_plan, "period": period, "report": report, "agency": health, "file": EvidenceFile.objects.get(),
        "export": export,
    }  # fmt: skip


def _checked(upload):
    from reporting.evidence import check_upload

    upload.content_type = check_upload(upload)
    return upload


@pytest.fixture
def users(request, district_reporter, an_giang_plan):
    press = Agency.objects.get(province=an_giang_plan.province, name="Báo An Giang")  # reports on nothing
    cast = {
        role: request.getfixturevalue(role) for role in ROLES if role not in ("coord_reporter", "unrelated_reporter", "anonymous")
    }
    cast["coord_reporter"] = district_reporter  # coordinates Sở Y tế's tasks 6.1–6.3
    cast["unrelated_reporter"] = make_reporter("bao.angiang", press)
    cast["anonymous"] = None
    return cast


def reopen_data(world):
    until = timezone.localdate() + datetime.timedelta(days=2)
    return {"agency": world["agency"].pk, "until": until.strftime("%d/%m/%Y"), "reason": "Lý do"}


# name: (method, url builder, POST data builder or None, {role: expected status})
OK_ALL = dict.fromkeys(ROLES[:-1], 200)
PROVINCE = {"administrator": 200, "coordinator": 200, "other_province_coordinator": 404, "lead_reporter": 200,
            "coord_reporter": 200, "unrelated_reporter": 200, "viewer": 200}  # fmt: skip
READERS = {"administrator": 200, "coordinator": 200, "other_province_coordinator": 404, "lead_reporter": 404,
           "coord_reporter": 404, "unrelated_reporter": 404, "viewer": 200}  # fmt: skip
MANAGERS = {**READERS, "viewer": 404}
REPORT = {**READERS, "lead_reporter": 200}
ACT = {role: (302 if status == 200 else status) for role, status in MANAGERS.items()}
FORM = {**dict.fromkeys(READERS, 404), "lead_reporter": 302}  # its report is sent: the form redirects to it
PUBLIC = {**OK_ALL, "anonymous": 200}  # no login: the only rows where anonymous reads
MATRIX = {
    # Published scores are national reference data: administrators alone import them.
    "score_import": (
        "get",
        lambda w: reverse("score_import"),
        None,
        {**dict.fromkeys(ROLES[:-1], 404), "administrator": 200},
    ),
    "home": ("get", lambda w: reverse("home"), None, OK_ALL),
    "password_change": ("get", lambda w: reverse("password_change"), None, OK_ALL),
    "password_change_done": ("get", lambda w: reverse("password_change_done"), None, OK_ALL),
    "plan_detail": ("get", lambda w: reverse("plan_detail", args=[w["plan"].pk]), None, PROVINCE),
    "province_detail": (
        "get",
        lambda w: reverse("province_detail", args=[w["plan"].province.code]),
        None,
        OK_ALL,
    ),  # public scores
    "report_form": ("get", lambda w: reverse("report_form", args=[w["period"].pk, w["agency"].pk]), None, FORM),
    # The report as an Excel file, down and back up: whoever may edit the agency's report (its sent report: to its page).
    "report_excel": ("get", lambda w: reverse("report_excel", args=[w["period"].pk, w["agency"].pk]), None, FORM),
    "report_upload": ("get", lambda w: reverse("report_upload", args=[w["period"].pk, w["agency"].pk]), None, FORM),
    "report_detail": ("get", lambda w: reverse("report_detail", args=[w["report"].pk]), None, REPORT),
    # A report's conversation: its threads for whoever sees the report; a task's thread also for the
    # agencies coordinating the task (Long Xuyên on 6.1), which see nothing else of the report.
    "report_thread": ("get", lambda w: reverse("report_thread", args=[w["report"].pk]), None, REPORT),
    "task_thread": ("get", lambda w: _task_thread(w), None, {**REPORT, "coord_reporter": 200}),
    "coordinated_threads": (
        "get",
        lambda w: reverse("coordinated_threads", args=[w["period"].pk, _long_xuyen().pk, _coordinated(w)]),
        None,
        {**dict.fromkeys(ROLES[:-1], 404), "coord_reporter": 200},
    ),
    # Accepting asks first: without "confirmed" the page to confirm (tests/reporting/test_inbox.py).
    "report_accept": ("post", lambda w: reverse("report_accept", args=[w["report"].pk]), lambda w: {}, MANAGERS),
    # The report is submitted, not accepted: nothing to undo, back to its page with the reason why.
    "report_undo_accept": (
        "post",
        lambda w: reverse("report_undo_accept", args=[w["report"].pk]),
        lambda w: {"reason": "Nhầm."},
        ACT,
    ),
    # "Việc cần làm": any coordinator (of their own plans) and the administrators.
    "coordinator_inbox": ("get", lambda w: reverse("coordinator_inbox"), None, {**MANAGERS, "other_province_coordinator": 200}),
    # Bulk actions of the review queue: the period's managers. Accepting lists the choice to confirm.
    "bulk_accept": (
        "post",
        lambda w: reverse("bulk_accept", args=[w["period"].pk]),
        lambda w: {"agency": w["agency"].pk},
        MANAGERS,
    ),
    "period_remind": (
        "post",
        lambda w: reverse("period_remind", args=[w["period"].pk]),
        lambda w: {"agency": w["agency"].pk},
        ACT,
    ),
    "period_export_selected": (
        "post",
        lambda w: reverse("period_export_selected", args=[w["period"].pk]),
        lambda w: {"agency": w["agency"].pk},
        MANAGERS,  # the file
    ),
    "report_return": ("post", lambda w: reverse("report_return", args=[w["report"].pk]), lambda w: {"note": "Bổ sung."}, ACT),
    "review_queue": ("get", lambda w: reverse("review_queue", args=[w["period"].pk]), None, READERS),
    "period_reopen": ("post", lambda w: reverse("period_reopen", args=[w["period"].pk]), reopen_data, ACT),
    "period_edit": ("get", lambda w: reverse("period_edit", args=[w["period"].pk]), None, MANAGERS),
    "plan_periods": ("get", lambda w: reverse("plan_periods", args=[w["plan"].pk]), None, MANAGERS),
    # Progress of the whole plan: for those who follow the province, not for one agency's reporter.
    "plan_dashboard": ("get", lambda w: reverse("plan_dashboard", args=[w["plan"].pk]), None, READERS),
    "national_overview": (
        "get",
        lambda w: reverse("national_overview"),
        None,
        {**dict.fromkeys(ROLES[:-1], 404), "administrator": 200},
    ),
    # The target form: the province's coordinators and the administrators.
    "plan_targets": ("get", lambda w: reverse("plan_targets", args=[w["plan"].pk]), None, MANAGERS),
    # Next year's plan from this one, and the decisions that amend it: the plan's managers.
    "plan_next_year": ("get", lambda w: reverse("plan_next_year", args=[w["plan"].pk]), None, MANAGERS),
    "plan_amendment_add": ("get", lambda w: reverse("plan_amendment_add", args=[w["plan"].pk]), None, MANAGERS),
    # The compiled report is the department's: its coordinators and the administrators.
    "compiled_report": ("get", lambda w: reverse("compiled_report", args=[w["period"].pk]), None, MANAGERS),
    "compiled_excel": ("get", lambda w: reverse("compiled_excel", args=[w["period"].pk]), None, MANAGERS),
    # A plan's task list is as readable as the plan; importing tasks is its coordinators'.
    "plan_excel": ("get", lambda w: reverse("plan_excel", args=[w["plan"].pk]), None, PROVINCE),
    "plan_template": ("get", lambda w: reverse("plan_template"), None, OK_ALL),
    # A long-open page (the report form) keeps its session alive: anyone signed in, nothing else.
    "keep_alive": ("post", lambda w: reverse("keep_alive"), lambda w: {}, dict.fromkeys(ROLES[:-1], 204)),
    "plan_task_import": ("get", lambda w: reverse("plan_task_import", args=[w["plan"].pk]), None, MANAGERS),
    "plan_document_import": ("get", lambda w: reverse("plan_document_import", args=[w["plan"].pk]), None, MANAGERS),
    # A unit's own set-up (its commune committees, its agencies in bulk): its coordinators.
    "province_communes": ("get", lambda w: reverse("province_communes", args=[w["plan"].province.code]), None, MANAGERS),
    "agency_import": ("get", lambda w: reverse("agency_import", args=[w["plan"].province.code]), None, MANAGERS),
    # Background exports: queued by those who manage the plan (or, nationally, administer);
    # seen and downloaded by the one who asked only.
    "plan_year_export": ("post", lambda w: reverse("plan_year_export", args=[w["plan"].pk]), lambda w: {}, ACT),
    "national_export": (
        "post",
        lambda w: reverse("national_export"),
        lambda w: {},
        {**dict.fromkeys(ROLES[:-1], 404), "administrator": 302},
    ),
    "export_detail": (
        "get",
        lambda w: reverse("export_detail", args=[w["export"].pk]),
        None,
        {**dict.fromkeys(ROLES[:-1], 404), "coordinator": 200},
    ),
    "export_download": (
        "get",
        lambda w: reverse("export_download", args=[w["export"].pk]),
        None,
        {**dict.fromkeys(ROLES[:-1], 404), "coordinator": 200},
    ),
    "plan_pdf": ("get", lambda w: reverse("plan_pdf", args=[w["plan"].pk]), None, PROVINCE),
    "report_pdf": ("get", lambda w: reverse("report_pdf", args=[w["report"].pk]), None, REPORT),
    "evidence_download": ("get", lambda w: reverse("evidence_download", args=[w["file"].pk]), None, REPORT),
    # Each user's own second factor: no object in the URL, so nobody reaches another's.
    "two_factor_setup": ("get", lambda w: reverse("two_factor_setup"), None, OK_ALL),
    # The province's people (accounts.access): its coordinators and the administrators; the
    # account here is Sở Y tế An Giang's reporter. Any coordinator has its own province's list.
    "account_list": ("get", lambda w: reverse("account_list"), None, {**MANAGERS, "other_province_coordinator": 200}),
    "account_create": ("get", lambda w: reverse("account_create"), None, {**MANAGERS, "other_province_coordinator": 200}),
    "account_import": ("get", lambda w: reverse("account_import"), None, {**MANAGERS, "other_province_coordinator": 200}),
    "account_import_template": (
        "get",
        lambda w: reverse("account_import_template"),
        None,
        {**MANAGERS, "other_province_coordinator": 200},
    ),
    "account_detail": ("get", lambda w: reverse("account_detail", args=[_account(w)]), None, MANAGERS),
    "account_reset_two_factor": ("get", lambda w: reverse("account_reset_two_factor", args=[_account(w)]), None, MANAGERS),
    "account_set_active": ("post", lambda w: reverse("account_set_active", args=[_account(w)]), lambda w: {"active": "0"}, ACT),
    "account_invite": ("post", lambda w: reverse("account_invite", args=[_account(w)]), lambda w: {}, ACT),
    # The plan's progress as CSV: the dashboard's readers (tests/reporting/test_progress_csv.py).
    "plan_progress_csv": ("get", lambda w: reverse("plan_progress_csv", args=[w["plan"].pk]), None, READERS),
    # "Khóa API": an administrator, or a province's coordinators for their province (api.access);
    # the token revoked here is An Giang's.
    "api_tokens": ("get", lambda w: reverse("api_tokens"), None, {**MANAGERS, "other_province_coordinator": 200}),
    "api_token_revoke": ("post", lambda w: reverse("api_token_revoke", args=[_api_token(w)]), lambda w: {}, ACT),
    # Each user's own notifications: the list, "Đánh dấu đã đọc" and the e-mail choice for anyone
    # signed in; one notification (the coordinator's here) opens for its reader only.
    "notification_list": ("get", lambda w: reverse("notification_list"), None, OK_ALL),
    "notification_open": (
        "get",
        lambda w: reverse("notification_open", args=[_notification(w)]),
        None,
        {**dict.fromkeys(ROLES[:-1], 404), "coordinator": 302},
    ),
    # A plan's public page for citizens, its CSV and the index: anyone, signed in or not, while the
    # plan is published (here it is; unpublished: test_an_unpublished_plan_is_404_for_everyone).
    "public_index": ("get", lambda w: reverse("public_index"), None, PUBLIC),
    "public_plan": ("get", lambda w: reverse("public_plan", args=[_published(w)]), None, PUBLIC),
    "public_plan_csv": ("get", lambda w: reverse("public_plan_csv", args=[_published(w)]), None, PUBLIC),
    # "Công khai kế hoạch" / "Ngừng công khai": the plan's managers (tests/public/).
    "plan_publication": (
        "post",
        lambda w: reverse("plan_publication", args=[w["plan"].pk]),
        lambda w: {"action": "publish"},
        ACT,
    ),
    "notification_mark_read": ("post", lambda w: reverse("notification_mark_read"), lambda w: {}, dict.fromkeys(ROLES[:-1], 302)),
    "notification_settings": (
        "post",
        lambda w: reverse("notification_settings"),
        lambda w: {"email": "on"},
        dict.fromkeys(ROLES[:-1], 302),
    ),
}
# Django's own pages: login, logout, language, admin (scoped in tests/plans/test_admin.py).
# health: tests/test_security.py; the login's second step: tests/test_two_factor.py.
# "Quên mật khẩu" and the password link, open to anyone: tests/accounts/test_password_reset.py.
NOT_APP_URLS = {"login", "two_factor_verify", "logout", "set_language", "health", "password_reset", "password_reset_done",
                "password_reset_confirm", "password_reset_complete"}  # fmt: skip


def _published(world):
    from plans import publication

    return publication.publish(world["plan"], None).pk


def _coordinated(world):
    return world["plan"].tasks.get(number="6.1").pk  # led by Sở Y tế; Long Xuyên coordinates it


def _task_thread(world):
    return reverse("task_thread", args=[world["report"].pk, _coordinated(world)])


def _long_xuyen():
    return Agency.objects.get(name="UBND thành phố Long Xuyên")


def _notification(world):
    """A notification of the coordinator's about the world's report."""
    from notifications.models import Notification

    coordinator = world["plan"].province.agencies.get(name="Sở Nội vụ").memberships.get(user__username="snv.angiang").user
    notification = Notification.objects.create(
        recipient=coordinator, kind=Notification.Kind.SUBMITTED, report=world["report"], text="Sở Y tế đã gửi báo cáo.",
        link=reverse("report_detail", args=[world["report"].pk]),
    )  # fmt: skip
    return notification.pk


def _account(world):
    return world["plan"].province.agencies.get(name="Sở Y tế").memberships.get(user__username="syt.angiang").user_id


def _api_token(world):
    from api import services

    coordinator = world["plan"].province.agencies.get(is_coordinator=True).memberships.get(role="coordinator").user
    return services.create_token(coordinator, "Bảng điều khiển", world["plan"].province)[0].pk


# The API (/api/v1/) answers a token, not a session: its own matrix, every endpoint × token scope,
# is tests/api/test_scope.py (which fails when an endpoint is missing from it).
API_URL_PREFIX = "api-"


def _app_url_names(patterns, inside_admin=False):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if getattr(pattern, "app_name", None) == "admin":
                continue
            yield from _app_url_names(pattern.url_patterns)
        elif isinstance(pattern, URLPattern) and pattern.name and not pattern.name.startswith(API_URL_PREFIX):
            yield pattern.name


def test_every_url_is_in_the_matrix():
    names = set(_app_url_names(get_resolver().url_patterns)) - NOT_APP_URLS
    assert names == set(MATRIX), f"add these URLs to the permission matrix: {names - set(MATRIX)}"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_each_role_gets_what_it_may(client, world, users, name, role):
    method, build_url, build_data, expected = MATRIX[name]
    url = build_url(world)
    user = users[role]
    if user is not None:
        client.force_login(user)
    response = client.post(url, build_data(world)) if method == "post" else client.get(url)
    if role == "anonymous" and role not in expected:
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), name
        return
    assert response.status_code == expected[role], f"{name} as {role}: {response.status_code}"
    if hasattr(response, "streaming_content"):
        close_response(response)


POSTS = {
    # name: (url builder, data builder, roles that may act and how the page answers them)
    "report_form": (lambda w: reverse("report_form", args=[w["period"].pk, w["agency"].pk]),
                    lambda w: {"version": "1", "save": "1"},
                    {"lead_reporter": 200}),  # its report is sent: the page keeps the input and saves nothing
    "report_upload": (lambda w: reverse("report_upload", args=[w["period"].pk, w["agency"].pk]), lambda w: {},
                      {"lead_reporter": 302}),  # its report is sent: no upload, to the report's page
    "period_edit": (lambda w: reverse("period_edit", args=[w["period"].pk]),
                    lambda w: {"start": "15/12/2019", "end": "14/12/2020", "due_date": "30/12/2020", "status": "open"},
                    {"administrator": 302, "coordinator": 302}),
    "plan_periods": (lambda w: reverse("plan_periods", args=[w["plan"].pk]), lambda w: {"working_days": "2"},
                     {"administrator": 302, "coordinator": 302}),
    "plan_task_import": (lambda w: reverse("plan_task_import", args=[w["plan"].pk]), lambda w: {},
                         {"administrator": 400, "coordinator": 400}),  # no file: the form says so
    "plan_document_import": (lambda w: reverse("plan_document_import", args=[w["plan"].pk]), lambda w: {},
                             {"administrator": 400, "coordinator": 400}),  # no file, no text: the form says so
    "plan_targets": (lambda w: reverse("plan_targets", args=[w["plan"].pk]), lambda w: {},
                     {"administrator": 400, "coordinator": 400}),  # reaches the form: nothing posted, nothing saved
    "api_tokens": (lambda w: reverse("api_tokens"), lambda w: {"name": ""},
                   {"administrator": 400, "coordinator": 400, "other_province_coordinator": 400}),  # no name: the form says so
    "plan_next_year": (lambda w: reverse("plan_next_year", args=[w["plan"].pk]), lambda w: {},
                       {"administrator": 302, "coordinator": 302}),  # makes the 2021 plan and opens it
    "plan_amendment_add": (lambda w: reverse("plan_amendment_add", args=[w["plan"].pk]),
                           lambda w: {"number": "25/QĐ-UBND", "issued_on": "15/03/2020", "summary": "Sửa thời hạn."},
                           {"administrator": 302, "coordinator": 302}),
    # Comments: the report's agency and its reviewers; on a task, its coordinating agencies too.
    "report_thread": (lambda w: reverse("report_thread", args=[w["report"].pk]), lambda w: {"body": "Ý kiến."},
                      {"administrator": 302, "coordinator": 302, "lead_reporter": 302}),
    "task_thread": (_task_thread, lambda w: {"body": "Ý kiến."},
                    {"administrator": 302, "coordinator": 302, "lead_reporter": 302, "coord_reporter": 302}),
}  # fmt: skip


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
@pytest.mark.parametrize("name", sorted(POSTS))
def test_each_role_may_post_only_where_it_acts(client, world, users, name, role):
    build_url, build_data, allowed = POSTS[name]
    client.force_login(users[role])
    response = client.post(build_url(world), build_data(world))
    assert response.status_code == allowed.get(role, 404), f"POST {name} as {role}: {response.status_code}"


def test_a_draft_is_the_agencys_own(client, users, an_giang_plan, district_reporter):
    agency = Agency.objects.get(name="UBND thành phố Long Xuyên")
    period = an_giang_plan.periods.get(kind="year")
    draft = workflow.save_draft(
        agency=agency, period=period, user=district_reporter, seen_version=0, difficulties="nháp", proposals="", progress={}
    )
    url = reverse("report_detail", args=[draft.pk])
    expected = {"administrator": 200, "coordinator": 404, "viewer": 404, "lead_reporter": 404, "coord_reporter": 200,
                "unrelated_reporter": 404, "other_province_coordinator": 404}  # fmt: skip
    for role, status in expected.items():
        client.force_login(users[role])
        assert client.get(url).status_code == status, role


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", ["public_plan", "public_plan_csv"])
def test_an_unpublished_plan_is_404_for_everyone(client, world, users, name, role):
    """The public rows' plan before publishing: nobody, its coordinators included, reads it there."""
    if users[role] is not None:
        client.force_login(users[role])
    assert client.get(reverse(name, args=[world["plan"].pk])).status_code == 404, role


def test_an_inactive_user_gets_nothing(client, coordinator, an_giang_plan):
    coordinator.is_active = False
    coordinator.save()
    client.force_login(coordinator)
    response = client.get(reverse("plan_detail", args=[an_giang_plan.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
