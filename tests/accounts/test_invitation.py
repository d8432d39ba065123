"""The invitation's link: sets the password once, then is dead; expires after PASSWORD_RESET_TIMEOUT."""

import datetime
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import mail
from django.urls import reverse

from .helpers import agency, link_in

pytestmark = pytest.mark.django_db
User = get_user_model()
NEW_PASSWORD = "mat-khau-rat-dai-2026"


@pytest.fixture
def invitation(client, coordinator, django_capture_on_commit_callbacks):
    client.force_login(coordinator)
    data = {"agency": agency("An Giang", "Sở Y tế").pk, "full_name": "Võ Thị Mai", "email": "vtmai@angiang.gov.vn",
            "role": "reporter"}  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_create"), data)
    client.logout()
    return User.objects.get(username="vtmai"), link_in(mail.outbox[-1])


def set_password(client, link):
    """Open the link (it moves the token into the session), then post the new password."""
    opened = client.get(link)
    if opened.status_code != 302:
        return opened
    return client.post(opened["Location"], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})


def test_the_link_sets_the_password_once(client, invitation):
    user, link = invitation
    response = set_password(client, link)
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_complete")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert "Đã đặt mật khẩu" in client.get(response["Location"]).text
    again = type(client)().get(link)  # the hash changed: the token is dead
    assert again.status_code == 200 and "không còn dùng được" in again.text
    login = client.post(reverse("login"), {"username": "vtmai", "password": NEW_PASSWORD})
    assert login.status_code == 302


def test_the_link_expires_after_the_timeout(client, invitation, settings):
    _user, link = invitation
    later = datetime.datetime.now() + datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    with mock.patch.object(PasswordResetTokenGenerator, "_now", return_value=later):
        page = client.get(link)
    assert page.status_code == 200 and "không còn dùng được" in page.text
    almost = datetime.datetime.now() + datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT - 60)
    with mock.patch.object(PasswordResetTokenGenerator, "_now", return_value=almost):
        assert client.get(link).status_code == 302  # still good just before


def test_a_deactivated_accounts_link_is_dead(client, invitation):
    user, link = invitation
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert "không còn dùng được" in client.get(link).text


def test_the_timeout_is_three_days(settings):
    assert settings.PASSWORD_RESET_TIMEOUT == 3 * 24 * 3600
