"""Login lockout (django-axes), session lifetimes and the load balancers' health check."""

import datetime
import time

import pytest
from axes.models import AccessAttempt
from django.db import DatabaseError
from django.test import RequestFactory, override_settings
from django.urls import reverse

from papi_tracker import middleware
from plans.demo import DEMO_PASSWORD

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


@override_settings(BEHIND_TLS_PROXY=True)
def test_behind_the_proxy_the_address_is_the_one_the_proxy_saw():
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9", REMOTE_ADDR="10.0.0.254")
    assert middleware.client_ip(request) == "203.0.113.9"  # the client may forge the first entries, not the last


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
