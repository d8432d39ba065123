"""Two app servers on different ports sharing one PostgreSQL database, one SECRET_KEY and one
MEDIA_ROOT (the shared storage), and one background worker: whatever a user starts on one
server carries on on the other. With one Redis as CACHE_URL (Debian's redis-server), a plan's
figures are computed once for both, and a change made through one is seen at once through the
other. Plain urllib, each "browser" with its own cookie jar."""

import http.cookiejar
import io
import re
import time
import uuid
import zipfile
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, HTTPRedirectHandler, Request, build_opener

import pytest
import redis
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from openpyxl import load_workbook

from devtools import servers
from plans.models import Agency, Membership, Plan
from plans.obligations import tasks_for_agency
from reporting import figures, workflow
from reporting.models import EvidenceFile, Export, Report
from reporting.progress import plan_progress

pytestmark = [pytest.mark.servers]

PASSWORD = "mat-khau-kiem-thu-2-may"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


class NoRedirects(HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the test reads each redirect itself


class Browser:
    """A cookie jar and a server address; answers are (status, headers, body), redirects not followed."""

    def __init__(self, base_url, jar=None):
        self.base_url, self.jar = base_url, jar if jar is not None else http.cookiejar.CookieJar()
        self.opener = build_opener(HTTPCookieProcessor(self.jar), NoRedirects)

    def on(self, base_url):
        """The same cookies, sent to another server."""
        return Browser(base_url, self.jar)

    def request(self, path, data=None, content_type=None):
        headers = {"Content-Type": content_type} if content_type else {}
        try:
            with self.opener.open(Request(self.base_url + path, data=data, headers=headers), timeout=60) as answer:
                return answer.status, answer.headers, answer.read()
        except HTTPError as answer:
            return answer.code, answer.headers, answer.read()

    def get(self, path):
        return self.request(path)

    def post(self, path, fields, files=()):
        """A form post: urlencoded, or multipart when there are files ((field, name, bytes))."""
        if not files:
            return self.request(path, urlencode(fields).encode(), "application/x-www-form-urlencoded")
        boundary = uuid.uuid4().hex
        body = io.BytesIO()
        for name, value in fields.items():
            body.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        for name, filename, content in files:
            body.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'.encode())
            body.write(b"Content-Type: application/octet-stream\r\n\r\n" + content + b"\r\n")
        body.write(f"--{boundary}--\r\n".encode())
        return self.request(path, body.getvalue(), f"multipart/form-data; boundary={boundary}")

    def csrf_token(self, path):
        _status, _headers, body = self.get(path)
        return re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)[1].decode()

    def log_in(self, username):
        token = self.csrf_token("/dang-nhap/")
        status, headers, _body = self.post(
            "/dang-nhap/", {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}
        )
        assert status == 302, f"login of {username} refused"
        device = TOTPDevice.objects.filter(user__username=username, confirmed=True).first()
        if device is not None:  # the second step, on the same server
            assert headers["Location"].startswith("/dang-nhap/ma-xac-thuc/"), headers["Location"]
            token = self.csrf_token(headers["Location"])
            code = f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():0{device.digits}d}"
            status, headers, _body = self.post(headers["Location"], {"code": code, "csrfmiddlewaretoken": token})
            assert status == 302 and not headers["Location"].startswith("/dang-nhap/"), f"code of {username} refused"


@pytest.fixture
def two_servers(shared_database, processes, tmp_path):
    """Servers A and B and one worker: same database, secret key and MEDIA_ROOT."""
    # The servers run the production settings, whose hasher is PBKDF2, not the tests' fast one.
    hasher = PBKDF2PasswordHasher()
    get_user_model().objects.filter(username__in=["snv.angiang", "syt.angiang", "snv.daknong"]).update(
        password=hasher.encode(PASSWORD, hasher.salt())
    )
    # Coordinators must pass two-factor login: the servers check it as in production.
    for username in ("snv.angiang", "snv.daknong"):
        TOTPDevice.objects.create(user=get_user_model().objects.get(username=username), name="điện thoại", confirmed=True)
    media = tmp_path / "shared-media"
    env = servers.production_env(shared_database, var_dir=tmp_path / "var", media_root=media)
    servers.collect_static(env)
    server_a = processes.gunicorn(servers.free_port(), env)
    server_b = processes.gunicorn(servers.free_port(), env)
    processes.db_worker(env)
    return server_a, server_b, media


def test_a_login_made_on_one_server_works_on_the_other(two_servers):
    server_a, server_b, _media = two_servers
    browser = Browser(server_a)
    browser.log_in("snv.angiang")
    status, _headers, page = browser.on(server_b).get("/")
    assert status == 200 and "Nguyễn Thị Lan" in page.decode()  # the coordinator's name in the header
    status, headers, _page = Browser(server_b).get("/")
    assert status == 302 and headers["Location"].startswith("/dang-nhap/")  # without the cookie: a login


def test_an_export_queued_on_one_server_is_run_by_the_worker_and_downloads_from_the_other(two_servers):
    server_a, server_b, media = two_servers
    plan = Plan.objects.get(document_number="179/KH-UBND")
    browser = Browser(server_a)
    browser.log_in("snv.angiang")
    token = browser.csrf_token(f"/ke-hoach/{plan.pk}/tong-quan/")  # its "Xuất cả năm" button
    status, headers, _body = browser.post(f"/ke-hoach/{plan.pk}/xuat-ca-nam/", {"csrfmiddlewaretoken": token})
    assert status == 302
    export_id = headers["Location"].rstrip("/").split("/")[-1]
    deadline = time.monotonic() + 120  # generous: the worker builds seven workbooks on a busy machine
    while Export.objects.get(pk=export_id).status in (Export.Status.QUEUED, Export.Status.RUNNING):
        assert time.monotonic() < deadline, "the worker did not run the export"
        time.sleep(0.5)
    export = Export.objects.get(pk=export_id)
    assert export.status == Export.Status.DONE, export.error
    assert (media / export.file.name).is_file()  # written to the shared storage

    status, _headers, content = browser.on(server_b).get(f"/xuat/{export_id}/tai-ve/")
    assert status == 200
    archive = zipfile.ZipFile(io.BytesIO(content))
    assert archive.namelist()[0] == "danh-muc-nhiem-vu.xlsx"
    assert len(archive.namelist()) == 1 + plan.periods.count()
    tasks = load_workbook(io.BytesIO(archive.read("danh-muc-nhiem-vu.xlsx"))).active
    assert tasks["A6"].value == "1.1"


def test_evidence_uploaded_through_one_server_is_served_by_the_other(two_servers):
    server_a, server_b, media = two_servers
    plan = Plan.objects.get(document_number="179/KH-UBND")
    agency = Agency.objects.get(province=plan.province, name="Sở Y tế")
    period = plan.periods.order_by("end").first()
    form_url = f"/ky-bao-cao/{period.pk}/co-quan/{agency.pk}/"
    browser = Browser(server_a)
    browser.log_in("syt.angiang")
    _status, _headers, page = browser.get(form_url)
    task_id = re.search(rb'name="t(\d+)-status"', page)[1].decode()
    fields = {"csrfmiddlewaretoken": browser.csrf_token(form_url), "version": "0", "save": "1",
              f"t{task_id}-status": "in_progress", f"t{task_id}-narrative": "Đã ban hành kế hoạch."}  # fmt: skip
    status, headers, _body = browser.post(form_url, fields, files=[(f"t{task_id}-files", "bien-ban.pdf", PDF)])
    assert status == 302 and headers["Location"] == form_url

    evidence = EvidenceFile.objects.get(progress__task_id=task_id, original_name="bien-ban.pdf")
    assert (Path(media) / evidence.file.name).read_bytes() == PDF  # on the shared storage
    status, _headers, content = browser.on(server_b).get(f"/minh-chung/{evidence.pk}/")
    assert status == 200 and content == PDF
    status, headers, content = Browser(server_b).get(f"/minh-chung/{evidence.pk}/")
    assert status == 302 and headers["Location"].startswith("/dang-nhap/") and content != PDF
    coordinator_elsewhere = Browser(server_b)
    coordinator_elsewhere.log_in("snv.daknong")
    assert coordinator_elsewhere.get(f"/minh-chung/{evidence.pk}/")[0] == 404  # another province's coordinator


FIGURE = re.compile(rb'data-figure="(\w+)"><span class="big">([^<]+)</span>')


def _figures(answer):
    status, _headers, page = answer
    assert status == 200
    return {name.decode(): value.decode() for name, value in FIGURE.findall(page)}


def _open_report(plan):
    """(agency, period) of the plan whose report is not begun, the period open to the agency
    (reopened for it when its deadline has passed)."""
    begun = set(Report.objects.filter(period__plan=plan).values_list("agency_id", "period_id"))
    coordinator = get_user_model().objects.get(username="snv.angiang")
    for period in plan.periods.order_by("-end"):
        for agency in Agency.objects.filter(province=plan.province).order_by("pk"):
            if (agency.pk, period.pk) in begun or not tasks_for_agency(agency, plan=plan).exists():
                continue
            if workflow.submission_block(period, agency):
                workflow.reopen_for_agency(period, agency, coordinator, timezone.localdate(), "Kiểm thử hai máy chủ")
            return agency, period
    raise AssertionError("every agency has begun every report of the demo plan")


@pytest.fixture
def two_servers_sharing_redis(shared_database, processes, redis_url, tmp_path):
    """Servers A and B on one database and one Redis (CACHE_URL), as production with several servers."""
    hasher = PBKDF2PasswordHasher()
    get_user_model().objects.filter(username="snv.angiang").update(password=hasher.encode(PASSWORD, hasher.salt()))
    TOTPDevice.objects.create(user=get_user_model().objects.get(username="snv.angiang"), name="điện thoại", confirmed=True)
    env = servers.production_env(shared_database, var_dir=tmp_path / "var", media_root=tmp_path / "media", CACHE_URL=redis_url)
    servers.collect_static(env)
    return processes.gunicorn(servers.free_port(), env), processes.gunicorn(servers.free_port(), env), redis_url


def test_with_redis_a_report_sent_through_one_server_is_in_the_figures_of_the_other_at_once(two_servers_sharing_redis):
    server_a, server_b, redis_url = two_servers_sharing_redis
    plan = Plan.objects.get(document_number="179/KH-UBND")
    agency, period = _open_report(plan)
    reporter = get_user_model().objects.create_user("bao-cao-hai-may", first_name="Kiểm thử")
    reporter.password = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    reporter.save()
    Membership.objects.create(user=reporter, agency=agency, role=Membership.Role.REPORTER)
    dashboard = f"/ke-hoach/{plan.pk}/tong-quan/?period={period.pk}"
    coordinator = Browser(server_b)
    coordinator.log_in("snv.angiang")
    before = _figures(coordinator.get(dashboard))
    shared = redis.Redis.from_url(redis_url)
    version = Plan.objects.get(pk=plan.pk).progress_version
    kept = f"*papi-figures:{plan.pk}:{version}:*"
    assert shared.keys(kept), "server B kept the plan's figures in Redis"

    # The agency's reporter sends its report through server A: every task done.
    browser = Browser(server_a)
    browser.log_in("bao-cao-hai-may")
    form_url = f"/ky-bao-cao/{period.pk}/co-quan/{agency.pk}/"
    _status, _headers, page = browser.get(form_url)
    fields = {"csrfmiddlewaretoken": browser.csrf_token(form_url), "version": "0", "submit": "1"}
    for task_id in re.findall(rb'name="t(\d+)-status"', page):
        task_id = task_id.decode()
        fields.update({f"t{task_id}-status": "completed", f"t{task_id}-percent_done": "100",
                       f"t{task_id}-narrative": "Đã hoàn thành."})  # fmt: skip
    status, headers, _body = browser.post(form_url, fields)
    assert status == 302 and headers["Location"].startswith("/bao-cao/"), headers.get("Location")

    # At once, through the other server: the figures of the plan's new version.
    after = _figures(coordinator.get(dashboard))
    figures.forget()  # this process computes them afresh from the database
    tally = plan_progress(Plan.objects.get(pk=plan.pk), period).tally
    assert after != before
    assert after["completed"] == f"{tally.completed}/{tally.total}" and after["in_progress"] == str(tally.in_progress)
    new_version = Plan.objects.get(pk=plan.pk).progress_version
    assert new_version > version and shared.keys(f"*papi-figures:{plan.pk}:{new_version}:*")
    # Server A reads the entry B computed: the same figures, nothing computed again.
    entries = set(shared.keys(f"*papi-figures:{plan.pk}:*"))
    assert _figures(coordinator.on(server_a).get(dashboard)) == after
    assert set(shared.keys(f"*papi-figures:{plan.pk}:*")) == entries
