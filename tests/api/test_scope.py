"""Every endpoint × every token scope: own province, other province, every province (an
administrator's), revoked, none. Out of scope is a 404; without a valid token, 401."""

import pytest
from django.urls import URLPattern, get_resolver, reverse

from api import urls as api_urls
from reporting.models import TaskProgress

pytestmark = pytest.mark.django_db

# endpoint basename: world → An Giang's object of that kind
OBJECTS = {
    "api-province": lambda w: w["plan"].province,
    "api-plan": lambda w: w["plan"],
    "api-target": lambda w: w["plan"].targets.first(),
    "api-task": lambda w: w["task"],
    "api-period": lambda w: w["period"],
    "api-report": lambda w: w["report"],
    "api-task-progress": lambda w: TaskProgress.objects.get(report=w["report"]),
    "api-score": lambda w: w["plan"].province.scores.first(),
}
# National reference data: the same for every valid token.
SHARED = {"api-dimension": lambda w: w["task"].dimension}

# Lists long enough to page: narrowed to the object's own (the scope still decides).
NARROW = {"api-score": lambda obj: {"province": obj.province_id, "year": obj.year}}
DETAIL = {"own": 200, "other": 404, "all": 200, "revoked": 401, "none": 401}
SCOPES = list(DETAIL)


def test_every_api_url_is_in_the_matrix():
    names = {p.name for p in api_urls.urlpatterns if isinstance(p, URLPattern)} - {"api-schema", "api-docs"}
    covered = {f"{base}-{kind}" for base in [*OBJECTS, *SHARED] for kind in ("list", "detail")}
    assert names == covered
    assert get_resolver().resolve(reverse("api-plan-list")).url_name == "api-plan-list"


@pytest.mark.parametrize("scope", SCOPES)
@pytest.mark.parametrize("base", sorted(OBJECTS))
def test_each_token_reads_its_provinces_only(client, tokens, world, base, scope):
    obj = OBJECTS[base](world)
    detail = client.get(reverse(f"{base}-detail", args=[obj.pk]), **tokens[scope])
    assert detail.status_code == DETAIL[scope], f"{base} as {scope}"
    listing = client.get(reverse(f"{base}-list"), NARROW[base](obj) if base in NARROW else {}, **tokens[scope])
    if scope in ("revoked", "none"):
        assert listing.status_code == 401
        assert listing["WWW-Authenticate"] == "Bearer"
        return
    ids = {row["id"] for row in listing.json()["results"]}
    assert (obj.pk in ids) == (scope != "other")


@pytest.mark.parametrize("scope", SCOPES)
def test_the_framework_is_for_every_token(client, tokens, world, scope):
    dimension = SHARED["api-dimension"](world)
    response = client.get(reverse("api-dimension-detail", args=[dimension.pk]), **tokens[scope])
    assert response.status_code == (401 if scope in ("revoked", "none") else 200)


def test_another_province_reads_its_own(client, tokens, world):
    plans = client.get(reverse("api-plan-list"), **tokens["other"]).json()["results"]
    assert {row["province"] for row in plans} == {world["other_plan"].province_id}
    progress = client.get(reverse("api-task-progress-list"), **tokens["other"]).json()["results"]
    assert [row["report"] for row in progress] == [world["other_report"].pk]


def test_drafts_are_never_read(client, tokens, world):
    reports = client.get(reverse("api-report-list"), **tokens["all"]).json()["results"]
    ids = {row["id"] for row in reports}
    assert world["report"].pk in ids and world["draft"].pk not in ids
    answers = client.get(reverse("api-task-progress-list"), **tokens["all"]).json()["results"]
    assert world["draft"].pk not in {row["report"] for row in answers}
    assert client.get(reverse("api-report-detail", args=[world["draft"].pk]), **tokens["own"]).status_code == 404


def test_a_returned_reports_answers_are_not_read(client, tokens, world):
    world["report"].status = "returned"
    world["report"].save()
    reports = client.get(reverse("api-report-list"), **tokens["own"]).json()["results"]
    assert [r["status"] for r in reports if r["id"] == world["report"].pk] == ["returned"]  # sent: its status is read
    answers = client.get(reverse("api-task-progress-list"), **tokens["own"]).json()["results"]
    assert answers == []  # being edited again: its answers are a draft until sent back


def test_a_draft_plan_is_not_read(client, tokens, world):
    plan = world["plan"]
    plan.status = "draft"
    plan.save()
    assert client.get(reverse("api-plan-detail", args=[plan.pk]), **tokens["own"]).status_code == 404
    assert client.get(reverse("api-task-detail", args=[world["task"].pk]), **tokens["all"]).status_code == 404


def test_nothing_internal_is_written(client, tokens, world):
    """No people, internal notes, difficulties or evidence, whatever the endpoint."""
    world["report"].review_note = "ghi chú nội bộ"
    world["report"].save()
    text = ""
    for base in [*OBJECTS, *SHARED]:
        text += client.get(reverse(f"{base}-list"), {"page_size": 500}, **tokens["own"]).content.decode()
    for secret in ("ghi chú nội bộ", "khó khăn nội bộ", "syt.angiang", "snv.angiang", "signer", "supervisor", "evidence",
                   "difficulties", "review_note", "created_by", "submitted_by"):  # fmt: skip
        assert secret not in text, secret


def test_a_bad_header_is_refused(client, tokens, world):
    url = reverse("api-plan-list")
    assert client.get(url, HTTP_AUTHORIZATION="Bearer").status_code == 401
    assert client.get(url, HTTP_AUTHORIZATION="Bearer a b").status_code == 401
    assert client.get(url, HTTP_AUTHORIZATION="Bearer papi_không-phải-khóa").status_code == 401
    assert client.get(url, HTTP_AUTHORIZATION="Token x").status_code == 401  # another scheme: no token at all


def test_a_locked_accounts_tokens_stop(client, tokens, coordinator, world):
    coordinator.is_active = False
    coordinator.save()
    response = client.get(reverse("api-plan-list"), **tokens["own"])
    assert response.status_code == 401
    assert "thu hồi" in response.json()["detail"]


def test_a_coordinator_who_leaves_takes_their_tokens_reading(client, tokens, coordinator, world):
    coordinator.memberships.filter(role="coordinator").update(role="viewer")
    assert client.get(reverse("api-plan-list"), **tokens["own"]).status_code == 401
    assert client.get(reverse("api-plan-list"), **tokens["all"]).status_code == 200  # an administrator's


def test_a_session_is_not_a_token(client, coordinator, world):
    """The API's audience is other systems: a logged-in browser gets no data without a token."""
    client.force_login(coordinator)
    assert client.get(reverse("api-plan-list")).status_code == 401


def test_a_former_provinces_plans_are_its_units_history(client, administrator, world):
    from api import services
    from tests.api.conftest import bearer

    old = world["plan"].province
    unit = old.successor
    assert unit is not None, "An Giang (before 1/7/2025) has a successor in the reference data"
    _token, key = services.create_token(administrator, "Tỉnh mới", unit)
    ids = {row["id"] for row in client.get(reverse("api-plan-list"), **bearer(key)).json()["results"]}
    assert world["plan"].pk in ids
    assert world["other_plan"].pk not in ids
