"""The "Khóa API" pages (who makes and revokes tokens), the key stored as a hash and shown once,
the last use written at most once a minute, and the throttle per token."""

import datetime
import hashlib

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api import services
from api.authentication import TokenRateThrottle
from api.models import ApiToken
from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db


def test_a_coordinator_makes_a_token_for_their_province(client, coordinator, an_giang_plan):
    client.force_login(coordinator)
    response = client.post(
        reverse("api_tokens"), {"name": "Bảng điều khiển tỉnh", "province": an_giang_plan.province_id}, follow=True
    )
    assert response.redirect_chain == [(reverse("api_tokens"), 302)]
    key = response.context["new_key"]
    assert key.startswith("papi_") and key in response.content.decode()
    token = ApiToken.objects.get()
    assert (token.province, token.created_by, token.name) == (an_giang_plan.province, coordinator, "Bảng điều khiển tỉnh")
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in str(ApiToken.objects.values_list()[0])  # only the hash is stored
    again = client.get(reverse("api_tokens")).content.decode()
    assert key not in again and token.key_start in again  # shown once


def test_a_double_click_makes_one_token_and_shows_its_key(client, coordinator, an_giang_plan):
    client.force_login(coordinator)
    data = {"name": "Bảng điều khiển tỉnh", "province": an_giang_plan.province_id}
    first, second = client.post(reverse("api_tokens"), data), client.post(reverse("api_tokens"), data)
    assert first.status_code == second.status_code == 302 and second["Location"] == reverse("api_tokens")
    token = ApiToken.objects.get()  # one token
    page = client.get(reverse("api_tokens"))
    key = page.context["new_key"]  # the first click's key, the one stored: never one replaced since
    assert key and hashlib.sha256(key.encode()).hexdigest() == token.key_hash
    assert "không tạo thêm khóa" in page.content.decode()
    assert client.get(reverse("api-plan-list"), **bearer(key)).status_code == 200


def test_a_second_token_is_made_on_purpose(client, coordinator, an_giang_plan):
    client.force_login(coordinator)
    province = an_giang_plan.province
    client.post(reverse("api_tokens"), {"name": "Bảng điều khiển", "province": province.pk})
    client.post(reverse("api_tokens"), {"name": "Hệ thống báo cáo", "province": province.pk})  # another name
    assert ApiToken.objects.count() == 2
    ApiToken.objects.update(created_at=timezone.now() - services.DOUBLE_SUBMIT_WINDOW)  # a minute later
    client.post(reverse("api_tokens"), {"name": "Bảng điều khiển", "province": province.pk})
    assert ApiToken.objects.filter(name="Bảng điều khiển").count() == 2
    revoked = ApiToken.objects.filter(name="Hệ thống báo cáo").get()
    services.revoke_token(revoked, coordinator)  # revoked at once, made again under its name
    _token, key = services.create_token(coordinator, "Hệ thống báo cáo", province)
    assert key is not None and ApiToken.objects.filter(name="Hệ thống báo cáo").count() == 2


@pytest.mark.parametrize("province", ["all", "other"])
def test_a_coordinator_makes_none_beyond_their_province(client, coordinator, dak_nong_plan, province):
    client.force_login(coordinator)
    value = "all" if province == "all" else dak_nong_plan.province_id
    response = client.post(reverse("api_tokens"), {"name": "x", "province": value})
    assert response.status_code == 400 and "province" in response.context["form"].errors
    assert not ApiToken.objects.exists()


def test_an_administrator_makes_one_for_every_province(client, administrator):
    client.force_login(administrator)
    response = client.post(reverse("api_tokens"), {"name": "Toàn quốc", "province": "all"})
    assert response.status_code == 302 and ApiToken.objects.get().province is None


def test_each_manager_lists_their_provinces_tokens(client, coordinator, other_province_coordinator, administrator, tokens):
    client.force_login(coordinator)
    names = {t.name for t in client.get(reverse("api_tokens")).context["tokens"]}
    assert names == {"Bảng điều khiển", "Cũ"}
    client.force_login(other_province_coordinator)
    assert {t.name for t in client.get(reverse("api_tokens")).context["tokens"]} == {"Đắk Nông"}
    client.force_login(administrator)
    assert len(client.get(reverse("api_tokens")).context["tokens"]) == 4


def test_revoking_stops_the_token_at_once(client, coordinator, an_giang_plan):
    token, key = services.create_token(coordinator, "x", an_giang_plan.province)
    assert client.get(reverse("api-plan-list"), **bearer(key)).status_code == 200
    client.force_login(coordinator)
    response = client.post(reverse("api_token_revoke", args=[token.pk]), follow=True)
    assert "Đã thu hồi" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == coordinator
    client.logout()
    assert client.get(reverse("api-plan-list"), **bearer(key)).status_code == 401


def test_another_province_cannot_revoke(client, coordinator, other_province_coordinator, an_giang_plan):
    token, _key = services.create_token(coordinator, "x", an_giang_plan.province)
    client.force_login(other_province_coordinator)
    assert client.post(reverse("api_token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_last_use_is_written_once_a_minute(client, coordinator, an_giang_plan, django_assert_num_queries):
    token, key = services.create_token(coordinator, "x", an_giang_plan.province)
    assert token.last_used_at is None
    client.get(reverse("api-plan-list"), **bearer(key))
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    client.get(reverse("api-plan-list"), **bearer(key))
    token.refresh_from_db()
    assert token.last_used_at == first  # within the minute: not written again
    later = first + datetime.timedelta(seconds=61)
    services.record_use(token, now=later)
    token.refresh_from_db()
    assert token.last_used_at == later
    client.force_login(coordinator)
    page = client.get(reverse("api_tokens")).content.decode()
    assert timezone.localtime(later).strftime("%d/%m/%Y") in page


def test_requests_are_throttled_per_token(client, tokens, monkeypatch, world):
    monkeypatch.setitem(TokenRateThrottle.THROTTLE_RATES, "api_token", "3/min")
    url = reverse("api-plan-list")
    assert [client.get(url, **tokens["own"]).status_code for _ in range(4)] == [200, 200, 200, 429]
    assert client.get(url, **tokens["other"]).status_code == 200  # counted apart
    assert "Retry-After" in client.get(url, **tokens["own"])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(max_size=120), province=st.one_of(st.text(max_size=10), st.integers().map(str)))
def test_bad_input_makes_no_token_and_says_why(client, coordinator, an_giang_plan, name, province):
    client.force_login(coordinator)
    before = ApiToken.objects.count()
    response = client.post(reverse("api_tokens"), {"name": name, "province": province})
    if response.status_code == 302:  # a valid name for An Giang's own id (once: a repeat is a double click)
        made = ApiToken.objects.filter(name=name.strip(), created_by=coordinator).count()
        assert province == str(an_giang_plan.province_id) and made == 1 and ApiToken.objects.count() in (before, before + 1)
        return
    assert response.status_code == 400 and response.context["form"].errors
    assert ApiToken.objects.count() == before


def test_the_token_page_reads_a_fixed_number_of_queries(client, coordinator, an_giang_plan, django_assert_max_num_queries):
    client.force_login(coordinator)
    services.create_token(coordinator, "một", an_giang_plan.province)
    client.get(reverse("api_tokens"))  # the session's first reads
    with django_assert_max_num_queries(12) as small:
        client.get(reverse("api_tokens"))
    for number in range(20):
        token, _key = services.create_token(coordinator, f"khóa {number}", an_giang_plan.province)
        services.record_use(token)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("api_tokens"))
    assert len(response.context["tokens"]) == 21
