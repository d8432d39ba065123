"""A plan's public page for citizens ("Công khai kế hoạch", the `public` app): anonymous reading
only while published, never a private field (in the HTML, its cached copy or the CSV), correct
right after a change it shows, 404 at once after unpublishing, and a fixed number of queries."""

import pytest
from django.contrib.messages import get_messages
from django.core.cache import caches
from django.urls import reverse
from django.utils import timezone

from indicators.models import Score
from plans import publication
from plans.models import Agency, Plan, Target
from plans.obligations import tasks_for_agency
from public import page
from reporting import conversation, figures, workflow
from reporting.evidence import check_upload
from reporting.models import EvidenceFile
from tests.factories import grow_plan, report
from tests.reporting import helpers

pytestmark = pytest.mark.django_db


def page_url(plan):
    return reverse("public_plan", args=[plan.pk])


def csv_url(plan):
    return reverse("public_plan_csv", args=[plan.pk])


@pytest.fixture
def published(an_giang_plan, coordinator):
    return publication.publish(an_giang_plan, coordinator)


def _checked(upload):
    upload.content_type = check_upload(upload)
    return upload


# --- who reads, who publishes -------------------------------------------------------------


def test_anonymous_reads_nothing_before_publishing(client, an_giang_plan):
    assert client.get(page_url(an_giang_plan)).status_code == 404
    assert client.get(csv_url(an_giang_plan)).status_code == 404
    assert an_giang_plan.document_number not in client.get(reverse("public_index")).content.decode()


def test_anonymous_reads_the_published_plan_and_its_csv(client, published):
    response = client.get(page_url(published))
    assert response.status_code == 200
    html = response.content.decode()
    assert published.title in html and "179/KH-UBND" in html
    assert "Đăng xuất" not in html and "Thông báo" not in html  # the public frame: no user menu
    assert "csrfmiddlewaretoken" not in html
    download = client.get(csv_url(published))
    assert download.status_code == 200 and download["Content-Type"] == "text/csv; charset=utf-8"
    assert download.content.decode("utf-8-sig").startswith("Kế hoạch,179/KH-UBND")
    index = client.get(reverse("public_index")).content.decode()
    assert page_url(published) in index and "An Giang" in index


def test_the_index_lists_units_in_vietnamese_order(client, published, dak_nong_plan, other_province_coordinator):
    publication.publish(dak_nong_plan, other_province_coordinator)
    html = client.get(reverse("public_index")).content.decode()
    assert html.index("An Giang") < html.index("Đắk Nông") and page_url(dak_nong_plan) in html


def test_the_page_is_vietnamese_whatever_the_reader_chose(client, published, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(page_url(published)).content.decode()
    assert "Tình hình thực hiện nhiệm vụ" in html and '<html lang="vi">' in html


def test_unpublishing_answers_404_at_once_even_after_a_cached_copy(client, published, coordinator):
    assert client.get(page_url(published)).status_code == 200  # now cached
    client.force_login(coordinator)
    response = client.post(reverse("plan_publication", args=[published.pk]), {"action": "unpublish"})
    assert response.status_code == 302
    client.logout()
    assert client.get(page_url(published)).status_code == 404
    assert client.get(csv_url(published)).status_code == 404
    assert page_url(published) not in client.get(reverse("public_index")).content.decode()


def test_a_plan_put_back_to_draft_leaves_the_public_page(client, published):
    assert client.get(page_url(published)).status_code == 200
    Plan.objects.filter(pk=published.pk).update(status=Plan.Status.DRAFT)
    assert client.get(page_url(published)).status_code == 404


def test_a_draft_is_never_published(client, coordinator, an_giang_plan):
    Plan.objects.filter(pk=an_giang_plan.pk).update(status=Plan.Status.DRAFT)
    with pytest.raises(publication.PublicationError, match="đang soạn"):
        publication.publish(an_giang_plan, coordinator)
    client.force_login(coordinator)
    response = client.post(reverse("plan_publication", args=[an_giang_plan.pk]), {"action": "publish"})
    assert response.status_code == 302
    assert "không được công khai" in str(next(iter(get_messages(response.wsgi_request))))
    an_giang_plan.refresh_from_db()
    assert an_giang_plan.published_at is None


def test_the_coordinator_publishes_from_the_plan_page(client, coordinator, an_giang_plan):
    client.force_login(coordinator)
    html = client.get(reverse("plan_detail", args=[an_giang_plan.pk])).content.decode()
    assert "Công khai kế hoạch" in html and "Xác nhận công khai" in html
    client.post(reverse("plan_publication", args=[an_giang_plan.pk]), {"action": "publish"})
    an_giang_plan.refresh_from_db()
    assert an_giang_plan.is_public and an_giang_plan.published_by == coordinator
    html = client.get(reverse("plan_detail", args=[an_giang_plan.pk])).content.decode()
    assert page_url(an_giang_plan) in html and "Ngừng công khai" in html


def test_a_request_without_a_choice_changes_nothing(client, coordinator, an_giang_plan):
    client.force_login(coordinator)
    response = client.post(reverse("plan_publication", args=[an_giang_plan.pk]), {"action": "xoa"})
    assert response.status_code == 302 and response["Location"].endswith("#cong-khai")
    assert "không hợp lệ" in str(next(iter(get_messages(response.wsgi_request))))
    assert client.get(reverse("plan_publication", args=[an_giang_plan.pk])).status_code == 302  # a GET: back to the plan
    an_giang_plan.refresh_from_db()
    assert an_giang_plan.published_at is None


@pytest.mark.parametrize("role", ["viewer", "lead_reporter", "other_province_coordinator", "outsider"])
def test_only_the_plans_managers_publish(client, request, an_giang_plan, role):
    client.force_login(request.getfixturevalue(role))
    response = client.post(reverse("plan_publication", args=[an_giang_plan.pk]), {"action": "publish"})
    assert response.status_code == 404
    an_giang_plan.refresh_from_db()
    assert an_giang_plan.published_at is None


def test_a_stale_copy_of_the_plan_does_not_publish_it_again(published, coordinator):
    stale = Plan.objects.get(pk=published.pk)
    publication.unpublish(published)
    stale.title = "Tiêu đề mới"
    stale.save()
    stale.refresh_from_db()
    assert stale.published_at is None and stale.title == "Tiêu đề mới"


# --- never a private field ----------------------------------------------------------------

MARKERS = {
    "draft": "ZZDRAFTTITLE",
    "narrative": "ZZNARRATIVE",
    "task_difficulties": "ZZTASKDIFFICULTY",
    "difficulties": "ZZREPORTDIFFICULTY",
    "proposals": "ZZPROPOSAL",
    "review_note": "ZZREVIEWNOTE",
    "comment": "ZZCOMMENTBODY",
    "reporter": "ZZREPORTERNAME",
    "publisher": "ZZPUBLISHERNAME",
    "signer": "ZZSIGNERNAME",
    "file": "zzevidencefile",
}


@pytest.fixture
def private_world(an_giang_plan, coordinator, lead_reporter, district_reporter):
    """Every private place of An Giang's plan holds a marker, then the plan is published."""
    for user, marker in ((lead_reporter, MARKERS["reporter"]), (coordinator, MARKERS["publisher"])):
        user.first_name, user.last_name = marker, marker
        user.save()
    Plan.objects.filter(pk=an_giang_plan.pk).update(signer=MARKERS["signer"])
    Plan.objects.create(
        province=an_giang_plan.province,
        year=an_giang_plan.year + 1,
        baseline_year=an_giang_plan.year,
        title=MARKERS["draft"],
        document_number="99/KH-NHAP",
        status=Plan.Status.DRAFT,
        published_at=timezone.now(),
    )  # fmt: skip (a draft marked published all the same: the status rule still hides it)
    health = Agency.objects.get(province=an_giang_plan.province, name="Sở Y tế")
    period = an_giang_plan.periods.get(kind="year")
    tasks = list(tasks_for_agency(health, plan=an_giang_plan))
    progress = {t.pk: {"status": "in_progress", "percent_done": 40, "achieved_value": None, "narrative": MARKERS["narrative"],
                       "evidence": "", "difficulties": MARKERS["task_difficulties"]} for t in tasks}  # fmt: skip
    draft = workflow.save_draft(
        agency=health, period=period, user=lead_reporter, seen_version=0, difficulties=MARKERS["difficulties"],
        proposals=MARKERS["proposals"], progress=progress, files={tasks[0].pk: [_checked(helpers.pdf(f"{MARKERS['file']}.pdf"))]},
    )  # fmt: skip
    sent = workflow.submit_report(draft, lead_reporter, draft.version)
    returned = workflow.return_report(sent, coordinator, MARKERS["review_note"])
    resent = workflow.submit_report(returned, lead_reporter, returned.version)
    conversation.post_comment(resent, None, coordinator, MARKERS["comment"])
    conversation.post_comment(resent, tasks[0], lead_reporter, MARKERS["comment"], agency=health)
    assert EvidenceFile.objects.filter(original_name__contains=MARKERS["file"]).exists()
    plan = publication.publish(an_giang_plan, coordinator)
    return {"plan": plan, "tasks": tasks}


def _no_marker(text, where):
    found = [name for name, marker in MARKERS.items() if marker.lower() in text.lower()]
    assert not found, f"{where} shows private fields: {found}"


def test_no_private_field_appears_in_the_page_its_cached_copy_or_the_csv(client, private_world):
    plan = private_world["plan"]
    response = client.get(page_url(plan))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Đang thực hiện" in html  # Sở Y tế's answers count: the page shows their status…
    _no_marker(html, "the page")  # …and nothing they typed
    cached = caches[page.CACHE].get(page.cache_key(Plan.objects.get(pk=plan.pk)))
    assert cached == html
    _no_marker(cached, "the cached copy")
    _no_marker(client.get(csv_url(plan)).content.decode("utf-8-sig"), "the CSV")
    _no_marker(client.get(reverse("public_index")).content.decode(), "the index")


def test_the_page_is_built_from_public_fields_only(private_world):
    """The template receives page.PublicPlan: its tasks carry no answer, no agency, no person."""
    built = page.public_plan(Plan.objects.select_related("province").get(pk=private_world["plan"].pk))
    _no_marker(repr([d.tasks for d in built.dimensions]), "the tasks' data")
    assert {t.percent_done for d in built.dimensions for t in d.tasks} >= {40}


# --- the cache ----------------------------------------------------------------------------


def _statuses(client, plan):
    html = client.get(page_url(plan)).content.decode()
    return html.count("badge badge-in_progress"), html


def test_a_sent_report_shows_at_once(client, published):
    before, _html = _statuses(client, published)
    health = Agency.objects.get(province=published.province, name="Sở Y tế")
    period = published.periods.get(kind="year")
    report(health, period, "submitted", period.due_date, [(published.tasks.get(number="6.2"), "in_progress", 60, "")])
    after, html = _statuses(client, published)
    assert after == before + 1 and "60&nbsp;%" in html


def test_a_target_or_a_score_changed_shows_at_once(client, published):
    client.get(page_url(published))
    target = Target.objects.filter(plan=published, target_score__isnull=False).first()
    target.target_score = "7.77"
    target.save()
    assert "7,77" in client.get(page_url(published)).content.decode()
    score = Score.objects.filter(province=published.province, dimension__isnull=True).order_by("-year").first()
    Score.objects.filter(pk=score.pk).update(value="66.6600")  # as the importer's bulk_update: no signal
    assert "66,66" in client.get(page_url(published)).content.decode()


def test_anonymous_readers_may_keep_a_copy_but_ask_again_each_time(client, published, coordinator):
    response = client.get(page_url(published))
    assert response["Cache-Control"] in ("public, no-cache", "no-cache, public")
    etag = response["ETag"]
    again = client.get(page_url(published), headers={"if-none-match": etag})
    assert again.status_code == 304 and again["ETag"] == etag
    Plan.objects.filter(pk=published.pk).update(progress_version=published.progress_version + 5)
    assert client.get(page_url(published), headers={"if-none-match": etag}).status_code == 200
    assert client.get(reverse("public_plan", args=[999999]))["Cache-Control"] == "private, no-store"
    client.force_login(coordinator)
    assert client.get(page_url(published))["Cache-Control"] == "private, no-store"


def test_a_cached_hit_is_three_queries(client, published, django_assert_num_queries):
    client.get(page_url(published))
    # the published plan with its province and issuing agency; its targets; the scores' fingerprint
    with django_assert_num_queries(3):
        assert client.get(page_url(published)).status_code == 200


@pytest.mark.parametrize("tasks, communes", [(0, 0), (40, 30)])
def test_a_miss_the_csv_and_the_index_make_a_fixed_number_of_queries(
    client, published, tasks, communes, django_assert_max_num_queries, django_assert_num_queries
):
    if tasks:
        grow_plan(published, tasks, communes)
    # The plan; its targets; the scores' fingerprint; progress.plan_progress (periods, the
    # figures' version, tasks with their assignments, answers, agencies owing, reports, scores,
    # targets, sub-dimension scores, dimensions…) and the history (predecessors, scores,
    # national statistics, framework): 21 on SQLite with the seed plan.
    with django_assert_max_num_queries(21):
        assert client.get(page_url(published)).status_code == 200
    figures.forget()  # the CSV computes afresh: no figure left by the page
    with django_assert_max_num_queries(21):
        assert client.get(csv_url(published)).status_code == 200
    with django_assert_num_queries(1):  # the published plans with their provinces
        assert client.get(reverse("public_index")).status_code == 200
