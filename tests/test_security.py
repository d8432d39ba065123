"""Login lockout (django-axes), session lifetimes, the load balancers' health check, private
caching and the answer to a busy database."""

import datetime
import os
import subprocess
import sys
import time

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import DatabaseError, OperationalError
from django.http import HttpResponse
from django.templatetags.static import static
from django.test import Client, RequestFactory, override_settings
from django.urls import path, reverse

from accounts import lockout
from papi_tracker import middleware
from plans.demo import DEMO_PASSWORD
from plans.models import Agency
from reporting.models import EvidenceFile
from tests.factories import close_response

pytestmark = pytest.mark.django_db


def attempt(client, username, password, address="10.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def test_five_failures_lock_the_account_from_that_address_for_a_while(client, coordinator):
    for _ in range(4):
        assert attempt(client, "snv.angiang", "sai-mat-khau").status_code == 200  # the form, with its error
    assert attempt(client, "snv.angiang", "sai-mat-khau").status_code == 429  # the fifth locks
    locked = attempt(client, "snv.angiang", DEMO_PASSWORD)  # even the right password now
    assert locked.status_code == 429
    assert "Tài khoản này đã đăng nhập sai 5 lần liên tiếp" in locked.text and "sau 15 phút" in locked.text
    # The same account from another address, and another account from this one, still log in.
    assert attempt(client, "snv.angiang", DEMO_PASSWORD, address="10.0.0.2").status_code == 302
    client.logout()
    assert attempt(client, "lanhdao.angiang", DEMO_PASSWORD).status_code == 302
    client.logout()
    # After the cool-off the lock lifts by itself.
    AccessAttempt.objects.update(attempt_time=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=16))
    assert attempt(client, "snv.angiang", DEMO_PASSWORD).status_code == 302


def test_a_successful_login_clears_the_failures(client, coordinator):
    for _ in range(4):
        attempt(client, "snv.angiang", "sai")
    assert attempt(client, "snv.angiang", DEMO_PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        attempt(client, "snv.angiang", "sai")
    assert attempt(client, "snv.angiang", DEMO_PASSWORD).status_code == 302  # not locked: the count restarted


def address_of(remote, forwarded=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return middleware.client_ip(RequestFactory().get("/", REMOTE_ADDR=remote, **extra))


@override_settings(TRUSTED_PROXIES=["10.0.0.0/8", "::1/128"])
def test_behind_the_proxy_the_address_is_the_first_untrusted_hop_from_the_right():
    # The client forged "1.2.3.4"; the proxy 10.0.0.1 appended the address it saw, the load
    # balancer 10.0.0.2 appended the proxy's and connected.
    assert address_of("10.0.0.2", "1.2.3.4, 203.0.113.9, 10.0.0.1") == "203.0.113.9"
    assert address_of("10.0.0.254", "1.2.3.4, 203.0.113.9") == "203.0.113.9"
    assert address_of("::1", "2001:db8::7") == "2001:db8::7"
    assert address_of("::ffff:10.0.0.3", "203.0.113.9") == "203.0.113.9"  # IPv4 on a dual-stack socket
    assert address_of("10.0.0.254") == "10.0.0.254"  # no header: the proxy itself
    assert address_of("10.0.0.254", "10.0.0.9, 10.0.0.8") == "10.0.0.9"  # all trusted: the left-most
    assert address_of("10.0.0.254", "1.2.3.4, nonsense") == "10.0.0.254"  # nothing left of garbage counts


@pytest.mark.parametrize("proxies", [[], ["10.0.0.0/8"]])
def test_without_the_proxy_the_header_is_the_clients_say_and_ignored(proxies):
    with override_settings(TRUSTED_PROXIES=proxies, BEHIND_TLS_PROXY=True):
        assert address_of("203.0.113.5", "10.0.0.1, 198.51.100.7") == "203.0.113.5"


def test_the_default_trusts_loopback_only_behind_the_proxy():
    script = "from django.conf import settings; print(settings.TRUSTED_PROXIES)"
    env = {k: v for k, v in os.environ.items() if k not in {"TRUSTED_PROXIES", "BEHIND_TLS_PROXY"}}
    env["DJANGO_SETTINGS_MODULE"] = "papi_tracker.settings"
    run = [sys.executable, "-c", f"import django; django.setup(); {script}"]

    def proxies(**extra):
        out = subprocess.run(run, env={**env, "DEBUG": "1", **extra}, capture_output=True, text=True, cwd=settings.BASE_DIR)
        return out.stdout.strip() or out.stderr.strip().splitlines()[-1]

    assert proxies() == "[]"
    assert proxies(BEHIND_TLS_PROXY="1") == "['127.0.0.0/8', '::1/128']"
    assert proxies(BEHIND_TLS_PROXY="1", TRUSTED_PROXIES="192.0.2.10, 10.1.0.0/16") == "['192.0.2.10/32', '10.1.0.0/16']"
    assert "is not an IP address or network" in proxies(TRUSTED_PROXIES="proxy.example")


def forged(client, address, forwarded, password="sai-mat-khau"):
    return client.post(
        reverse("login"), {"username": "snv.angiang", "password": password}, REMOTE_ADDR=address, HTTP_X_FORWARDED_FOR=forwarded
    )


@override_settings(BEHIND_TLS_PROXY=True, TRUSTED_PROXIES=["127.0.0.0/8"])
def test_claimed_addresses_do_not_escape_the_lockout_without_the_proxy(client, coordinator):
    """The app server reached directly: 8 wrong passwords claiming 8 addresses are 8 from one."""
    statuses = [forged(client, "203.0.113.5", f"198.51.100.{i}").status_code for i in range(8)]
    assert statuses == [200] * 4 + [429] * 4
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.5"}
    assert forged(client, "203.0.113.5", "198.51.100.99", password=DEMO_PASSWORD).status_code == 429


@override_settings(BEHIND_TLS_PROXY=True, TRUSTED_PROXIES=["127.0.0.0/8"])
def test_through_the_proxy_failures_count_for_the_address_the_proxy_saw(client, coordinator):
    """Through the proxy on loopback, the client forges the left of the header; the proxy appended
    the real address."""
    statuses = [forged(client, "127.0.0.1", f"10.9.9.{i}, 198.51.100.7").status_code for i in range(6)]
    assert statuses == [200] * 4 + [429] * 2
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.7"}
    # Another client through the same proxy is not held.
    assert forged(client, "127.0.0.1", "198.51.100.8", password=DEMO_PASSWORD).status_code == 302


def log_out(client):
    """Log out as the browser does; the test client's own logout() would drop every cookie."""
    client.post(reverse("logout"))


def test_a_successful_login_leaves_a_signed_httponly_device_cookie(client, coordinator):
    assert attempt(client, "snv.angiang", DEMO_PASSWORD).status_code == 302
    cookie = client.cookies[lockout.DEVICE_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Strict" and int(cookie["max-age"]) == 90 * 24 * 3600
    assert cookie.value.split(":")[1] == "snv.angiang"  # names the user; the rest is an id and the signature
    log_out(client)
    assert lockout.DEVICE_COOKIE in client.cookies  # the browser stays known after logout


def test_colleagues_on_the_same_address_cannot_lock_the_user_out_of_their_own_browser(coordinator):
    own, colleague = Client(), Client()
    assert attempt(own, "snv.angiang", DEMO_PASSWORD).status_code == 302
    log_out(own)
    assert [attempt(colleague, "snv.angiang", "sai").status_code for _ in range(6)] == [200] * 4 + [429] * 2
    assert attempt(colleague, "snv.angiang", DEMO_PASSWORD).status_code == 429  # the lock holds for strangers
    # The user's own browser, on the same address, is not held by it, again and again.
    for _ in range(2):
        assert attempt(own, "snv.angiang", DEMO_PASSWORD).status_code == 302
        log_out(own)
    assert attempt(colleague, "snv.angiang", DEMO_PASSWORD).status_code == 429


def test_a_device_cookies_own_failures_are_bounded_wherever_it_is_used(coordinator):
    own = Client()
    assert attempt(own, "snv.angiang", DEMO_PASSWORD).status_code == 302
    log_out(own)
    thief = Client()  # a copy of the cookie, tried from several addresses
    thief.cookies[lockout.DEVICE_COOKIE] = own.cookies[lockout.DEVICE_COOKIE].value
    statuses = [attempt(thief, "snv.angiang", "sai", address=f"198.51.100.{i}").status_code for i in range(6)]
    assert statuses == [200] * 4 + [429] * 2
    assert attempt(thief, "snv.angiang", DEMO_PASSWORD, address="198.51.100.20").status_code == 429
    assert attempt(own, "snv.angiang", DEMO_PASSWORD).status_code == 429  # that device is locked, wherever
    # The thief's failures were the device's: a browser without it, at the user's address, logs in.
    assert attempt(Client(), "snv.angiang", DEMO_PASSWORD).status_code == 302


def test_a_device_cookie_counts_only_for_its_user_and_only_when_signed(coordinator, viewer):
    own = Client()
    assert attempt(own, "snv.angiang", DEMO_PASSWORD).status_code == 302
    log_out(own)
    for _ in range(5):
        attempt(Client(), "lanhdao.angiang", "sai")
        attempt(Client(), "snv.angiang", "sai")
    assert attempt(own, "lanhdao.angiang", DEMO_PASSWORD).status_code == 429  # another user's lock holds
    forged_cookie = Client()
    user, signature = own.cookies[lockout.DEVICE_COOKIE].value.rsplit(":", 1)[0], "x" * 27
    forged_cookie.cookies[lockout.DEVICE_COOKIE] = f"{user}:{signature}"
    assert attempt(forged_cookie, "snv.angiang", DEMO_PASSWORD).status_code == 429
    assert attempt(own, "snv.angiang", DEMO_PASSWORD).status_code == 302


def test_no_request_header_can_pose_as_a_device():
    # Request headers reach Django as Latin-1 text: a device's mark cannot be sent as a User-Agent.
    with pytest.raises(UnicodeEncodeError):
        lockout.DEVICE_AGENT.format("0" * 32).encode("latin-1")


def test_a_session_ends_after_30_idle_minutes(client, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("home")).status_code == 200
    session = client.session
    session[middleware.LAST_SEEN] = int(time.time()) - 31 * 60
    session.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert client.get(reverse("home")).status_code == 302  # logged out for good


def test_a_session_ends_10_hours_after_login_however_active(client, coordinator):
    client.force_login(coordinator)
    session = client.session
    session[middleware.LOGIN_AT] = int(time.time()) - 10 * 3600 - 1
    session[middleware.LAST_SEEN] = int(time.time())
    session.save()
    response = client.get(reverse("home"), follow=True)
    assert "Phiên làm việc đã hết hạn; hãy đăng nhập lại." in response.text


def test_an_active_session_stays_and_writes_the_session_rarely(client, coordinator, django_assert_num_queries):
    client.force_login(coordinator)
    client.get(reverse("home"))
    before = client.session[middleware.LAST_SEEN]
    client.get(reverse("home"))
    assert client.session[middleware.LAST_SEEN] == before  # within a minute: nothing written


def test_the_health_check_answers_without_login(client):
    response = client.get(reverse("health"))
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_the_health_check_says_when_the_database_is_down(client, monkeypatch):
    def broken(*args, **kwargs):
        raise DatabaseError("down")

    monkeypatch.setattr("papi_tracker.views.connection.cursor", broken)
    response = client.get(reverse("health"))
    assert response.status_code == 503 and response.json()["database"] == "unavailable"


def cache_directives(response):
    return {part.split("=")[0].strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


@pytest.fixture
def sent_report(an_giang_plan, lead_reporter):
    """Sở Y tế An Giang's sent year report with one evidence file."""
    from plans.obligations import tasks_for_agency
    from reporting import workflow
    from reporting.evidence import check_upload
    from tests.reporting import helpers

    health = Agency.objects.get(province=an_giang_plan.province, name="Sở Y tế")
    progress = {t.pk: {"status": "in_progress", "percent_done": 40, "achieved_value": None, "narrative": "x",
                       "evidence": "", "difficulties": ""}
                for t in tasks_for_agency(health, plan=an_giang_plan)}  # fmt: skip
    upload = helpers.pdf()
    upload.content_type = check_upload(upload)
    report = workflow.save_draft(
        agency=health, period=an_giang_plan.periods.get(kind="year"), user=lead_reporter, seen_version=0,
        difficulties="", proposals="", progress=progress, files={an_giang_plan.tasks.get(number="6.1").pk: [upload]},
    )  # fmt: skip
    return workflow.submit_report(report, lead_reporter, report.version)


def test_private_pages_and_files_are_never_cached(client, lead_reporter, coordinator, sent_report):
    evidence = EvidenceFile.objects.get(progress__report=sent_report)
    client.force_login(lead_reporter)
    for url in (
        reverse("home"),
        reverse("report_detail", args=[sent_report.pk]),
        reverse("report_pdf", args=[sent_report.pk]),
        reverse("evidence_download", args=[evidence.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert {"private", "no-store"} <= cache_directives(response), (url, response.get("Cache-Control"))
        close_response(response)
    client.force_login(coordinator)
    for url in (reverse("admin:index"), reverse("admin:reporting_report_change", args=[sent_report.pk])):
        response = client.get(url)
        assert response.status_code == 200 and {"private", "no-store"} <= cache_directives(response), url


def test_the_login_page_and_redirects_to_it_are_not_cached_either(client):
    for url in (reverse("login"), reverse("home")):
        assert "no-store" in cache_directives(client.get(url)), url


def test_static_files_keep_their_public_cache(client, coordinator):
    client.force_login(coordinator)
    response = client.get(static("css/app.css"))  # answered by WhiteNoise, before the middleware
    assert response.status_code == 200
    directives = cache_directives(response)
    assert "public" in directives and not directives & {"private", "no-store"}
    close_response(response)


NEVER_CACHE = "max-age=0, no-cache, no-store, must-revalidate, private"  # Django's never_cache


@pytest.mark.parametrize(
    "own, logged_in, expected",
    [
        (None, False, "private, no-store"),
        (None, True, "private, no-store"),
        ("public, max-age=3600", True, "private, no-store"),  # a private page made cacheable: replaced
        ("max-age=60", True, "private, no-store"),
        ("public, max-age=3600", False, "public, max-age=3600"),  # a public answer keeps its own
        (NEVER_CACHE, True, NEVER_CACHE),  # already stored nowhere: kept
    ],
)
def test_a_responses_own_cache_control_stays_only_when_it_keeps_private_pages_private(own, logged_in, expected):
    from django.contrib.auth.models import AnonymousUser

    def view(request):
        response = HttpResponse("x")
        if own:
            response["Cache-Control"] = own
        return response

    request = RequestFactory().get("/")
    request.user = get_user_model()(username="x") if logged_in else AnonymousUser()
    assert middleware.PrivateCacheMiddleware(view)(request)["Cache-Control"] == expected


def locked(request):
    raise OperationalError("database is locked")


def broken(request):
    raise OperationalError("no such table: plans_plan")


urlpatterns = [path("khoa/", locked), path("hong/", broken)]


def assert_busy_page(response):
    assert response.status_code == 503
    assert response["Retry-After"] == str(middleware.BUSY_RETRY_SECONDS)
    assert "Hệ thống đang bận" in response.text
    assert "Yêu cầu của bạn chưa được thực hiện vì cơ sở dữ liệu đang bận ghi dữ liệu khác." in response.text
    assert f"Hãy thử lại sau khoảng {middleware.BUSY_RETRY_SECONDS} giây: bấm Tải lại (F5)" in response.text
    assert "no-store" in cache_directives(response)


@override_settings(ROOT_URLCONF=__name__)
def test_a_view_that_meets_a_locked_database_answers_503_in_vietnamese(client, coordinator):
    client.force_login(coordinator)
    assert_busy_page(client.get("/khoa/"))


def test_a_login_during_a_long_write_answers_503(client, coordinator, monkeypatch):
    def locked_save(self, *args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(get_user_model(), "save", locked_save)  # the login writes last_login
    assert_busy_page(attempt(client, "snv.angiang", DEMO_PASSWORD))


def test_a_middleware_that_meets_a_locked_database_answers_503_too(coordinator, monkeypatch):
    from django.contrib.sessions.backends.db import SessionStore

    client = Client(raise_request_exception=False)
    client.force_login(coordinator)
    session = client.session
    session[middleware.LAST_SEEN] = int(time.time()) - 5 * 60  # this request writes the session
    session.save()

    def locked_save(self, *args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(SessionStore, "save", locked_save)  # in SessionMiddleware, after the view
    assert_busy_page(client.get(reverse("home")))


@override_settings(ROOT_URLCONF=__name__)
def test_other_database_errors_stay_server_errors(coordinator):
    client = Client(raise_request_exception=False)
    client.force_login(coordinator)
    assert client.get("/hong/").status_code == 500


def test_the_middleware_is_in_its_places():
    order = settings.MIDDLEWARE.index
    # Static files are answered by WhiteNoise before anything marks responses private.
    assert order("whitenoise.middleware.WhiteNoiseMiddleware") < order("papi_tracker.middleware.PrivateCacheMiddleware")
    # The busy page replaces a 500 from the session's save as well.
    assert order("papi_tracker.middleware.DatabaseBusyMiddleware") < order("django.contrib.sessions.middleware.SessionMiddleware")
    # A session that still owes its second step is sent to it before the admin answers 404.
    assert order("accounts.middleware.TwoFactorMiddleware") < order("papi_tracker.middleware.AdminNotFoundMiddleware")


def test_a_refused_csrf_token_gets_a_vietnamese_page_that_says_nothing_was_saved(lead_reporter):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(lead_reporter)
    response = browser.post(reverse("password_change"), {"old_password": "x"})
    assert response.status_code == 403
    assert "Biểu mẫu đã hết hiệu lực" in response.text and "Chưa có gì được lưu." in response.text
    assert "CSRF verification failed" not in response.text
