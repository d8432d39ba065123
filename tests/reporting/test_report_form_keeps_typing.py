"""Nothing a clerk types on the report form is lost: the draft saves itself as they type
(an autosave answers JSON), a form sent after the session ended is offered back after the login,
a refused field keeps the rest (tests/reporting/test_report_form.py), and the page has a contents
list, a counter and a summary of what was not kept."""

import json
import time

import pytest
from django.test import override_settings
from django.urls import reverse

from papi_tracker.middleware import LAST_SEEN
from plans.obligations import tasks_for_agency
from reporting.models import Report
from tests.factories import add_tasks
from tests.reporting.test_report_form import post_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def form_url(commune, year):
    return reverse("report_form", args=[year.pk, commune.pk])


def autosave(client, url, data):
    return client.post(url, data, headers={"X-Autosave": "1"})


def test_an_autosave_saves_the_draft_and_answers_the_new_version(client, commune_reporter, form_url, commune, year):
    client.force_login(commune_reporter)
    response = autosave(client, form_url, post_data(commune, year, 0))
    answer = json.loads(response.content)
    report = Report.objects.get(agency=commune, period=year)
    assert response.status_code == 200 and answer["version"] == report.version and answer["problems"] == []
    assert report.status == "draft" and report.progress.count() == 19
    # The next autosave carries the new version: not refused as stale; a submit never rides along.
    again = autosave(client, form_url, post_data(commune, year, answer["version"], narrative="Đã sửa.", submit="1"))
    assert again.status_code == 200
    report.refresh_from_db()
    assert report.status == "draft" and report.progress.first().narrative == "Đã sửa."
    # An old version (a colleague saved meanwhile) is refused, and says so.
    stale = autosave(client, form_url, post_data(commune, year, answer["version"]))
    assert stale.status_code == 409 and json.loads(stale.content)["error"]


def test_an_autosave_keeps_the_right_fields_and_names_the_others(client, commune_reporter, form_url, commune, year):
    client.force_login(commune_reporter)
    task = tasks_for_agency(commune, plan=year.plan).order_by("order").first()
    answer = json.loads(autosave(client, form_url, post_data(commune, year, 0, **{f"t{task.pk}-percent_done": "150"})).content)
    assert [p["task"] for p in answer["problems"]] == [task.pk]
    kept = Report.objects.get(agency=commune, period=year).progress.get(task=task)
    assert kept.status == "in_progress" and kept.percent_done is None


def test_a_form_sent_after_the_session_ended_is_offered_back_after_login(client, commune_reporter, form_url, commune, year):
    client.force_login(commune_reporter)
    client.get(form_url)  # the page opened, with its CSRF cookie
    session = client.session
    session[LAST_SEEN] = int(time.time()) - 31 * 60  # 31 idle minutes
    session.save()
    data = post_data(commune, year, 0, narrative="Gõ trong lúc phiên đã hết.", save="1")
    response = client.post(form_url, data)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not Report.objects.filter(agency=commune, period=year).exists()  # nothing saved while logged out
    client.force_login(commune_reporter)
    page = client.get(form_url)
    assert "Phiên đăng nhập đã hết khi bạn gửi biểu mẫu" in page.text and "Gõ trong lúc phiên đã hết." in page.text
    assert "Tệp đính kèm cần chọn lại." in page.text
    # Offered once: the next visit shows the stored form.
    assert "Gõ trong lúc phiên đã hết." not in client.get(form_url).text


def test_a_cross_site_post_after_the_session_ended_is_not_kept(commune_reporter, form_url, commune, year):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    response = browser.post(form_url, post_data(commune, year, 0, narrative="Từ trang khác.", save="1"))
    assert response.status_code == 403  # refused by the CSRF check before anything is kept
    browser.force_login(commune_reporter)
    assert "Từ trang khác." not in browser.get(form_url).text


@override_settings(SESSION_IDLE_SECONDS=60)
def test_an_autosave_after_the_session_ended_answers_401_with_the_login(client, commune_reporter, form_url, commune, year):
    client.force_login(commune_reporter)
    session = client.session
    session[LAST_SEEN] = int(time.time()) - 120
    session.save()
    response = autosave(client, form_url, post_data(commune, year, 0))
    assert response.status_code == 401 and json.loads(response.content)["login"].startswith(reverse("login"))


def test_the_form_has_contents_a_counter_and_its_script(client, commune_reporter, form_url, commune, year):
    client.force_login(commune_reporter)
    tasks = list(tasks_for_agency(commune, plan=year.plan).order_by("order"))
    data = post_data(commune, year, 0, save="1")
    for task in tasks[5:]:
        data[f"t{task.pk}-status"] = ""
    client.post(form_url, data)
    page = client.get(form_url).text
    assert "5</strong>/<span data-total>19</span>" in page
    assert 'href="#chi-so-1"' in page and 'id="chi-so-1"' in page
    assert "/static/js/report_form.js" in page and "<script>" not in page  # no inline script: the CSP stays
    assert 'role="status"' in page and "Đã lưu lúc" in page


def test_a_file_attached_by_mistake_is_removed_while_the_report_is_a_draft(
    client, commune_reporter, form_url, commune, year, django_capture_on_commit_callbacks
):
    from django.core.files.storage import default_storage

    from reporting.models import EvidenceFile
    from tests.reporting import helpers

    client.force_login(commune_reporter)
    task = tasks_for_agency(commune, plan=year.plan).order_by("order").first()
    client.post(form_url, post_data(commune, year, 0, save="1", **{f"t{task.pk}-files": [helpers.pdf()]}))
    evidence = EvidenceFile.objects.get()
    stored = evidence.file.name
    assert default_storage.exists(stored)
    version = Report.objects.get(agency=commune, period=year).version
    with_removal = post_data(commune, year, version, save="1") | {"remove-evidence": [str(evidence.pk), "999999"]}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(form_url, with_removal, follow=True)
    assert "Đã bỏ tệp: " in response.text and not EvidenceFile.objects.exists()
    assert not default_storage.exists(stored)


def send_earlier_answers(commune, year, reporter):
    """The agency's answers to the period before `year`, sent: what its year report starts from."""
    from django.utils import timezone

    from reporting import workflow

    earlier = year.plan.periods.exclude(pk=year.pk).filter(end__lt=year.end).order_by("-end").first()
    tasks = list(tasks_for_agency(commune, plan=year.plan).order_by("order"))
    progress = {
        t.pk: {"status": "in_progress", "percent_done": 60, "achieved_value": None, "narrative": f"Đã làm {t.number}.",
               "evidence": "Báo cáo số 1", "difficulties": "Thiếu người."}
        for t in tasks
    }  # fmt: skip
    report = workflow.save_draft(
        agency=commune, period=earlier, user=reporter, seen_version=0, difficulties="", proposals="", progress=progress
    )
    now = timezone.now()
    Report.objects.filter(pk=report.pk).update(status="submitted", submitted_at=now, first_submitted_at=now)
    return earlier, tasks


@pytest.fixture
def sent_earlier(commune, year, commune_reporter):
    """The commune's sent answers of the 9-month period."""
    return send_earlier_answers(commune, year, commune_reporter)


def test_a_new_period_starts_from_the_last_sent_answers_until_each_is_looked_at(
    client, commune_reporter, form_url, commune, year, sent_earlier
):
    earlier, tasks = sent_earlier
    client.force_login(commune_reporter)
    page = client.get(form_url)
    form = page.context["task_forms"][tasks[0].pk]
    assert form.initial["status"] == "in_progress" and form.initial["narrative"] == f"Đã làm {tasks[0].number}."
    assert "difficulties" not in form.initial  # the period's own difficulties start empty
    assert f"Từ kỳ {earlier.label}: kiểm tra và cập nhật" in page.text and "Xác nhận 19 nhiệm vụ không đổi" in page.text
    # Saved as they came, the answers stay marked; sending asks to look at each.
    data = {"version": 0}
    for task in tasks:
        data |= {f"t{task.pk}-status": "in_progress", f"t{task.pk}-percent_done": "60",
                 f"t{task.pk}-narrative": f"Đã làm {task.number}.", f"t{task.pk}-evidence": "Báo cáo số 1"}  # fmt: skip
    data[f"t{tasks[0].pk}-percent_done"] = "80"  # changed: looked at
    data[f"t{tasks[1].pk}-confirmed"] = "on"  # confirmed unchanged
    response = client.post(form_url, data | {"submit": "1"})
    report = Report.objects.get(agency=commune, period=year)
    carried = dict(report.progress.values_list("task_id", "carried_from_id"))
    assert carried[tasks[0].pk] is None and carried[tasks[1].pk] is None and carried[tasks[2].pk] == earlier.pk
    assert report.status == "draft" and "Xác nhận không đổi" in response.text
    # "Xác nhận tất cả không đổi", then sending goes through.
    client.post(form_url, data | {"version": report.version, "confirm_all": "1"})
    assert not Report.objects.get(pk=report.pk).progress.filter(carried_from__isnull=False).exists()
    report.refresh_from_db()
    sent = client.post(form_url, data | {"version": report.version, "submit": "1"})
    assert sent.status_code == 302 and Report.objects.get(pk=report.pk).status == "submitted"


def test_fields_to_touch_on_a_second_period_before_and_after_the_carry_over(
    client, commune_reporter, form_url, commune, year, sent_earlier
):
    """The figures the README quotes: on the commune's year report (19 tasks), the fields a send
    needs (status, percent, result of each task) still empty when the form opens, with the 9-month
    answers sent, and without them (the same answers left as a draft, which carry nothing)."""

    def empty_fields():
        forms = client.get(form_url).context["task_forms"].values()
        return sum(1 for form in forms for name in ("status", "percent_done", "narrative") if not form.initial.get(name))

    client.force_login(commune_reporter)
    with_carry_over = empty_fields()
    Report.objects.filter(agency=commune, period=sent_earlier[0]).update(status="draft", submitted_at=None)
    without = empty_fields()
    assert (without, with_carry_over) == (57, 0)  # then one "Xác nhận … không đổi" when nothing changed


def empty_fields_to_send(client, form_url):
    """The fields a send needs (status, percent, result of each task) still empty when the form opens."""
    forms = client.get(form_url).context["task_forms"].values()
    return sum(1 for form in forms for name in ("status", "percent_done", "narrative") if not form.initial.get(name))


def test_fields_to_touch_for_a_fifty_task_agency(client, commune_reporter, form_url, commune, year):
    """The issue's case, the README's figure: an agency with 50 tasks, its second period."""
    add_tasks(year.plan, 50 - tasks_for_agency(commune, plan=year.plan).count(), agency_name=commune.name)
    client.force_login(commune_reporter)
    before = empty_fields_to_send(client, form_url)
    earlier, tasks = send_earlier_answers(commune, year, commune_reporter)
    after = empty_fields_to_send(client, form_url)
    assert len(tasks) == 50 and (before, after) == (150, 0)
    page = client.get(form_url).text
    assert "Xác nhận 50 nhiệm vụ không đổi" in page  # one click when nothing changed
