"""The load test's scenario, run by locust in its own process (`manage.py load_test` starts
it; Django never imports this file). Reporters log in, open their report, save drafts with
new values and submit; coordinators open the review queue and accept or return reports.

Every write is written to the journal (LOADTEST_JOURNAL, one JSON object a line) before it
is sent, then again with its outcome once the server answers: "acked" when the server
confirmed it, "refused" when it answered with a message why not (someone else was first).
A write with no outcome line never got an answer. The command compares the database with
this journal afterwards; every 5xx answer is journalled too."""

import json
import os
import random
import re
import uuid
from pathlib import Path

from locust import HttpUser, between, events, task
from locust.exception import StopUser

CAST = json.loads(Path(os.environ["LOADTEST_CAST"]).read_text())
JOURNAL = open(os.environ["LOADTEST_JOURNAL"], "a", encoding="utf-8", buffering=1)  # noqa: SIM115 (open for the whole run)
SAVES_BEFORE_SUBMIT = 3
RETURN_SHARE = 0.4  # of the reviews, how many send the report back

REPORTER_ACCOUNTS = iter(CAST["reporters"])
COORDINATOR_ACCOUNTS = iter(CAST["coordinators"])
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')
TASK_FIELD = re.compile(r'name="t(\d+)-status"')
ERROR_MESSAGE = '<li class="error">'


def journal(**entry):
    # One greenlet writes at a time (gevent): lines never interleave.
    JOURNAL.write(json.dumps(entry, ensure_ascii=False) + "\n")


@events.request.add_listener
def record_server_errors(name, response=None, **kwargs):
    status = getattr(response, "status_code", 0) or 0
    if status >= 500:
        journal(action="server_error", name=name, status=status)


def csrf_token(text):
    match = CSRF.search(text)
    return match[1] if match else ""


def log_in(user, username, role):
    page = user.client.get("/dang-nhap/", name=f"{role}: login page")
    data = {"username": username, "password": CAST["password"], "csrfmiddlewaretoken": csrf_token(page.text)}
    with user.client.post("/dang-nhap/", data, name=f"{role}: log in", allow_redirects=False, catch_response=True) as answer:
        if answer.status_code != 302:
            answer.failure(f"login of {username} refused ({answer.status_code})")
            raise StopUser()


class Reporter(HttpUser):
    """One agency's reporter: edits its report, submits it, and edits it again when returned."""

    fixed_count = len(CAST["reporters"])
    wait_time = between(0.5, 2)

    def on_start(self):
        self.account = next(REPORTER_ACCOUNTS)
        self.form_url = f"/ky-bao-cao/{CAST['period']}/co-quan/{self.account['agency']}/"
        self.saves = 0
        log_in(self, self.account["username"], "reporter")

    @task(1)
    def home(self):
        self.client.get("/", name="reporter: home")

    @task(6)
    def edit(self):
        page = self.client.get(self.form_url, name="reporter: report form")
        if page.url and "/bao-cao/" in page.url:
            return  # sent and awaiting review, or accepted: the form sends the reader to the report
        version, task_ids = VERSION.search(page.text), TASK_FIELD.findall(page.text)
        if not version or not task_ids:
            return
        submit = self.saves >= SAVES_BEFORE_SUBMIT
        self.write(int(version[1]), task_ids, csrf_token(page.text), submit)

    def write(self, seen_version, task_ids, token, submit):
        action = "submit" if submit else "save"
        marker = f"{self.account['username']} {uuid.uuid4().hex}"
        data = {"csrfmiddlewaretoken": token, "version": seen_version, "difficulties": "", "proposals": marker, action: "1"}
        for task_id in task_ids:
            status = random.choice(["in_progress", "completed"])
            percent = 100 if status == "completed" else 50
            data.update({f"t{task_id}-status": status, f"t{task_id}-percent_done": percent, f"t{task_id}-narrative": marker,
                         f"t{task_id}-evidence": "", f"t{task_id}-difficulties": ""})  # fmt: skip
        # A save claims the next version; submitting saves, then claims one more.
        entry = {"action": action, "agency": self.account["agency"], "period": CAST["period"], "marker": marker,
                 "version": seen_version + (2 if submit else 1), "write": uuid.uuid4().hex}  # fmt: skip
        journal(**entry)
        with self.client.post(
            self.form_url, data, name=f"reporter: {action}", allow_redirects=False, catch_response=True
        ) as answer:
            location = answer.headers.get("Location", "")
            expected = "/bao-cao/" if submit else self.form_url
            if answer.status_code == 302 and location.startswith(expected):
                journal(outcome="acked", **entry)
                self.saves = 0 if submit else self.saves + 1
            elif answer.status_code == 200 and ERROR_MESSAGE in answer.text:
                journal(outcome="refused", **entry)
                answer.success()  # the app said why (e.g. the report was returned meanwhile)
                return
            else:
                answer.failure(f"{action}: unexpected answer {answer.status_code} {location}")
                return
        message = "Đã gửi báo cáo đến Sở Nội vụ." if submit else "Đã lưu nháp báo cáo."
        with self.client.get(location, name=f"reporter: after {action}", catch_response=True) as page:
            if message not in page.text:
                page.failure(f"no confirmation after {action}")


class Coordinator(HttpUser):
    """Sở Nội vụ staff: reads the period's submitted reports and accepts or returns them.
    Several coordinators review the same queue, so some find a report already reviewed."""

    fixed_count = len(CAST["coordinators"])
    wait_time = between(1, 3)

    def on_start(self):
        log_in(self, next(COORDINATOR_ACCOUNTS), "coordinator")

    @task
    def review(self):
        queue = self.client.get(f"/ky-bao-cao/{CAST['period']}/?status=submitted", name="coordinator: review queue")
        report_ids = re.findall(r'href="/bao-cao/(\d+)/"', queue.text)
        if not report_ids:
            return
        report_id = int(random.choice(report_ids))
        page = self.client.get(f"/bao-cao/{report_id}/", name="coordinator: report")
        version = VERSION.search(page.text)
        if not version:
            return  # reviewed by a colleague since the queue was read
        action = "return" if random.random() < RETURN_SHARE else "accept"
        entry = {"action": action, "report": report_id, "version": int(version[1]) + 1, "write": uuid.uuid4().hex}
        data = {"csrfmiddlewaretoken": csrf_token(page.text), "version": version[1]}
        if action == "return":
            data["note"] = f"Đề nghị bổ sung số liệu ({entry['write']})."
        else:
            data["confirmed"] = "1"  # the confirmation page's own POST: the first one only shows it
        url = f"/bao-cao/{report_id}/{'tra-lai' if action == 'return' else 'tiep-nhan'}/"
        journal(**entry)
        # Both answer with the review queue (followed) and a message saying what happened.
        with self.client.post(url, data, name=f"coordinator: {action}", catch_response=True) as answer:
            confirmation = "Đã trả lại báo cáo cho" if action == "return" else "Đã tiếp nhận báo cáo của"
            if answer.status_code == 200 and confirmation in answer.text:
                journal(outcome="acked", **entry)
            elif answer.status_code in (200, 400) and ERROR_MESSAGE in answer.text:
                journal(outcome="refused", **entry)
                answer.success()
            else:
                answer.failure(f"{action}: unexpected answer {answer.status_code}")
