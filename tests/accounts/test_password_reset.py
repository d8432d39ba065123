"""Quên mật khẩu: Django's reset flow, rate-limited, the same answer for any address."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import caches
from django.urls import reverse

from .helpers import link_in

pytestmark = pytest.mark.django_db
User = get_user_model()
RESET = reverse("password_reset")


@pytest.fixture(autouse=True)
def fresh_counts():
    caches["limits"].clear()
    yield
    caches["limits"].clear()


@pytest.fixture
def minh(lead_reporter):
    User.objects.filter(pk=lead_reporter.pk).update(email="minh@angiang.gov.vn")
    return lead_reporter


def without_tokens(html):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def ask(client, email, address="10.0.0.1"):
    return client.post(RESET, {"email": email}, REMOTE_ADDR=address)


def test_the_login_page_links_to_it_and_anyone_opens_it(client):
    assert f'href="{RESET}"' in client.get(reverse("login")).text
    page = client.get(RESET)
    assert page.status_code == 200 and "Quên mật khẩu" in page.text
    assert client.get(reverse("password_reset_done")).status_code == 200
    assert client.get(reverse("password_reset_complete")).status_code == 200


def test_a_known_address_gets_a_link_that_sets_the_password(client, minh, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(client, "Minh@AnGiang.gov.vn")
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["minh@angiang.gov.vn"]
    assert minh.username in mail.outbox[0].body
    opened = client.get(link_in(mail.outbox[0]))
    done = client.post(opened["Location"], {"new_password1": "mat-khau-moi-2026", "new_password2": "mat-khau-moi-2026"})
    assert done["Location"] == reverse("password_reset_complete")
    minh.refresh_from_db()
    assert minh.check_password("mat-khau-moi-2026")


def test_an_unknown_address_gets_the_same_answer_and_no_email(client, minh, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        known = ask(client, "minh@angiang.gov.vn", address="10.0.0.1")
    with django_capture_on_commit_callbacks(execute=True) as queued:
        unknown = ask(client, "khong-co@angiang.gov.vn", address="10.0.0.2")
    assert (unknown.status_code, unknown["Location"]) == (known.status_code, known["Location"])
    assert len(queued) == 1  # the same work: a task is queued, and finds nobody
    assert len(mail.outbox) == 1
    assert without_tokens(client.get(unknown["Location"]).text) == without_tokens(client.get(known["Location"]).text)


def test_an_inactive_account_gets_no_email(client, minh, django_capture_on_commit_callbacks):
    User.objects.filter(pk=minh.pk).update(is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, "minh@angiang.gov.vn")
    assert mail.outbox == []


def test_at_most_three_emails_an_hour_per_address(client, minh, django_capture_on_commit_callbacks):
    for n in range(5):
        with django_capture_on_commit_callbacks(execute=True):
            response = ask(client, "minh@angiang.gov.vn", address=f"10.0.1.{n}")
        assert response["Location"] == reverse("password_reset_done")  # the same answer throughout
    assert len(mail.outbox) == 3


def test_at_most_three_requests_an_hour_per_client(client, minh, django_capture_on_commit_callbacks):
    for n in range(3):
        ask(client, f"khac{n}@angiang.gov.vn", address="10.0.2.1")
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(client, "minh@angiang.gov.vn", address="10.0.2.1")
    assert response["Location"] == reverse("password_reset_done") and mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, "minh@angiang.gov.vn", address="10.0.2.2")
    assert len(mail.outbox) == 1
