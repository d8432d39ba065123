"""What a session halfway through the second step may open (accounts.middleware): the pages open
to anyone (the public pages, the API read by token, its documentation), and nothing private."""

import pytest
from django.core.cache import caches
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from api import services
from plans import publication
from tests.api.conftest import bearer

pytestmark = [pytest.mark.django_db, pytest.mark.real_two_factor]


@pytest.fixture
def half_verified(client, coordinator):
    """A coordinator past the password, not yet past the code."""
    TOTPDevice.objects.create(user=coordinator, name="Điện thoại", confirmed=True)
    client.force_login(coordinator)
    assert client.get(reverse("home"))["Location"].startswith(reverse("two_factor_verify"))
    return client


def test_the_public_pages_are_served_before_the_second_step(half_verified, an_giang_plan, coordinator):
    publication.publish(an_giang_plan, coordinator)
    for url in (
        reverse("public_index"),
        reverse("public_plan", args=[an_giang_plan.pk]),
        reverse("public_plan_csv", args=[an_giang_plan.pk]),
    ):
        response = half_verified.get(url)
        assert response.status_code == 200, url
    assert an_giang_plan.title in half_verified.get(reverse("public_plan", args=[an_giang_plan.pk])).text


def test_the_api_read_by_token_and_its_documentation_are_served_before_the_second_step(half_verified, an_giang_plan, coordinator):
    caches["limits"].clear()  # token ids repeat between rolled-back tests: no other test's count
    _token, key = services.create_token(coordinator, "Bảng điều khiển", an_giang_plan.province)
    assert half_verified.get(reverse("api-plan-list"), **bearer(key)).status_code == 200
    assert half_verified.get(reverse("api-plan-list")).status_code == 401  # the cookie is no key
    assert half_verified.get(reverse("api-docs")).status_code == 200


def test_private_pages_still_ask_for_the_code(half_verified, an_giang_plan):
    for url in (reverse("api_tokens"), reverse("plan_detail", args=[an_giang_plan.pk]), reverse("admin:index")):
        response = half_verified.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("two_factor_verify")), url
