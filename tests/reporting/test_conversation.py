"""A report's conversation (reporting/conversation.py, access.get_thread_for_user): who reads and
posts which thread, the coordinating agency's one thread, bounds, and the pages that show it."""

import time

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from papi_tracker.limits import COMMENT_MAX_LENGTH
from papi_tracker.middleware import LAST_SEEN
from plans.models import Agency
from plans.obligations import tasks_for_agency
from reporting import conversation, events, workflow
from reporting.models import Comment
from tests.factories import add_tasks, make_reporter

pytestmark = pytest.mark.django_db


def _answers(agency, plan, narrative="Kết quả riêng của Sở Y tế"):
    return {
        task.pk: {"status": "in_progress", "percent_done": 40, "achieved_value": None, "narrative": narrative,
                  "evidence": "", "difficulties": ""}
        for task in tasks_for_agency(agency, plan=plan)
    }  # fmt: skip


@pytest.fixture
def health(an_giang_plan):
    return Agency.objects.get(province=an_giang_plan.province, name="Sở Y tế")


@pytest.fixture
def long_xuyen(an_giang_plan):
    return Agency.objects.get(province=an_giang_plan.province, name="UBND thành phố Long Xuyên")


@pytest.fixture
def period(an_giang_plan):
    return an_giang_plan.periods.get(kind="year")


@pytest.fixture
def draft(health, period, lead_reporter):
    return workflow.save_draft(
        agency=health, period=period, user=lead_reporter, seen_version=0, difficulties="", proposals="",
        progress=_answers(health, period.plan),
    )  # fmt: skip


@pytest.fixture
def sent(draft, lead_reporter):
    return workflow.submit_report(draft, lead_reporter, draft.version)


@pytest.fixture
def coordinated(an_giang_plan):
    return an_giang_plan.tasks.get(number="6.1")  # led by Sở Y tế; Long Xuyên coordinates it


@pytest.fixture
def other_task(health, an_giang_plan, coordinated, long_xuyen):
    """A task of Sở Y tế's report that Long Xuyên has no part in."""
    theirs = set(tasks_for_agency(long_xuyen, plan=an_giang_plan).values_list("pk", flat=True))
    return tasks_for_agency(health, plan=an_giang_plan).exclude(pk__in=theirs).order_by("order").first()


def report_url(report):
    return reverse("report_thread", args=[report.pk])


def task_url(report, task):
    return reverse("task_thread", args=[report.pk, task.pk])


# --- who reads and posts ---------------------------------------------------------------------


def test_the_reporter_and_the_coordinator_talk_on_the_report_and_its_tasks(client, sent, coordinated, lead_reporter, coordinator):
    client.force_login(lead_reporter)
    back = reverse("report_detail", args=[sent.pk]) + "#y-kien"
    response = client.post(report_url(sent), {"body": "  Xin hỏi về số liệu quý IV.  ", "next": back})
    assert response.status_code == 302 and response["Location"] == back
    client.force_login(coordinator)
    response = client.post(task_url(sent, coordinated), {"body": "Bổ sung văn bản kèm theo."})
    assert response["Location"] == task_url(sent, coordinated) + f"#y-kien-{coordinated.pk}"  # no next: the thread
    on_report, on_task = Comment.objects.order_by("id")
    assert (on_report.task, on_report.author, on_report.agency) == (None, lead_reporter, sent.agency)
    assert on_report.body == "Xin hỏi về số liệu quý IV."
    assert (on_task.task, on_task.author, on_task.agency.name) == (coordinated, coordinator, "Sở Nội vụ")
    thread = conversation.thread(sent)
    assert thread.on_report == [on_report] and thread.by_task == {coordinated.pk: [on_task]}


def test_a_viewer_reads_the_threads_but_does_not_post(client, sent, coordinated, coordinator, viewer):
    conversation.post_comment(sent, coordinated, coordinator, "Đề nghị bổ sung.")
    client.force_login(viewer)
    response = client.get(task_url(sent, coordinated))
    assert response.status_code == 200 and "Đề nghị bổ sung." in response.text
    assert 'name="body"' not in response.text
    assert client.post(task_url(sent, coordinated), {"body": "Tôi cũng muốn nói."}).status_code == 404
    assert Comment.objects.count() == 1


@pytest.mark.parametrize("role", ["other_province_coordinator", "outsider", "unrelated"])
def test_out_of_scope_answers_404(client, request, sent, coordinated, an_giang_plan, role):
    if role == "unrelated":
        user = make_reporter("bao.angiang", Agency.objects.get(province=an_giang_plan.province, name="Báo An Giang"))
    else:
        user = request.getfixturevalue(role)
    client.force_login(user)
    for url in (report_url(sent), task_url(sent, coordinated)):
        assert client.get(url).status_code == 404
        assert client.post(url, {"body": "Xin chào"}).status_code == 404
    assert not Comment.objects.exists()


def test_a_task_outside_the_report_or_a_missing_report_is_404(client, sent, lead_reporter, an_giang_plan, health):
    client.force_login(lead_reporter)
    not_ours = an_giang_plan.tasks.exclude(pk__in=tasks_for_agency(health, plan=an_giang_plan).values("pk")).first()
    assert client.get(task_url(sent, not_ours)).status_code == 404
    assert client.get(reverse("report_thread", args=[sent.pk + 1000])).status_code == 404


def test_a_drafts_threads_are_the_agencys_own_until_it_is_sent(client, draft, coordinated, lead_reporter, coordinator):
    client.force_login(lead_reporter)
    assert client.post(report_url(draft), {"body": "Ghi chú nội bộ."}).status_code == 302
    client.force_login(coordinator)
    assert client.get(report_url(draft)).status_code == 404


# --- the coordinating agency: the thread of the task it coordinates, nothing else ------------------


def test_a_coordinating_agency_reads_and_answers_the_task_it_coordinates_only(
    client, sent, coordinated, other_task, lead_reporter, district_reporter, long_xuyen
):
    conversation.post_comment(sent, None, lead_reporter, "Ý kiến chung về báo cáo")
    conversation.post_comment(sent, other_task, lead_reporter, "Ý kiến về nhiệm vụ khác")
    conversation.post_comment(sent, coordinated, lead_reporter, "Long Xuyên cho số liệu 6.1 nhé")
    client.force_login(district_reporter)
    response = client.get(task_url(sent, coordinated))
    assert response.status_code == 200
    assert "Long Xuyên cho số liệu 6.1 nhé" in response.text
    for elsewhere in ("Ý kiến chung về báo cáo", "Ý kiến về nhiệm vụ khác", "Kết quả riêng của Sở Y tế"):
        assert elsewhere not in response.text
    assert client.get(report_url(sent)).status_code == 404
    assert client.get(task_url(sent, other_task)).status_code == 404
    assert client.get(reverse("report_detail", args=[sent.pk])).status_code == 404
    assert client.post(task_url(sent, coordinated), {"body": "Đã gửi số liệu."}).status_code == 302
    answer = Comment.objects.latest("id")
    assert (answer.task, answer.agency) == (coordinated, long_xuyen)
    assert client.post(task_url(sent, other_task), {"body": "Không được."}).status_code == 404


def test_the_coordinating_agencys_page_lists_the_leads_threads_on_the_task(
    client, draft, coordinated, other_task, lead_reporter, district_reporter, long_xuyen, period
):
    conversation.post_comment(draft, coordinated, lead_reporter, "Cần số liệu của Long Xuyên")
    client.force_login(district_reporter)
    url = reverse("coordinated_threads", args=[period.pk, long_xuyen.pk, coordinated.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert "Sở Y tế" in response.text and "Cần số liệu của Long Xuyên" in response.text
    assert "Kết quả riêng của Sở Y tế" not in response.text  # the lead's draft answer stays its own
    assert f'action="{task_url(draft, coordinated)}"' in response.text
    assert client.get(reverse("coordinated_threads", args=[period.pk, long_xuyen.pk, other_task.pk])).status_code == 404
    client.force_login(lead_reporter)  # not Long Xuyên's reporter
    assert client.get(url).status_code == 404


def test_the_report_form_links_a_coordinated_task_to_the_leads_thread(client, district_reporter, long_xuyen, period, coordinated):
    client.force_login(district_reporter)
    response = client.get(reverse("report_form", args=[period.pk, long_xuyen.pk]))
    assert reverse("coordinated_threads", args=[period.pk, long_xuyen.pk, coordinated.pk]) in response.text


# --- bounds: nothing typed is lost ---------------------------------------------------------------


def test_an_empty_comment_is_refused_with_a_message(client, sent, lead_reporter):
    client.force_login(lead_reporter)
    response = client.post(report_url(sent), {"body": "   \n "})
    assert response.status_code == 400 and "Hãy nhập nội dung ý kiến" in response.text
    assert not Comment.objects.exists()


def test_a_too_long_comment_comes_back_with_its_text(client, sent, coordinated, lead_reporter):
    client.force_login(lead_reporter)
    back = reverse("report_form", args=[sent.period_id, sent.agency_id]) + f"#y-kien-{coordinated.pk}"
    typed = "Rất dài " + "x" * COMMENT_MAX_LENGTH
    response = client.post(task_url(sent, coordinated), {"body": typed, "next": back})
    assert response.status_code == 400
    assert "tối đa 2.000 ký tự" in response.text
    assert typed in response.text  # kept in the box
    assert f'value="{back}"' in response.text  # and posting again still returns to the form
    assert not Comment.objects.exists()


def test_the_service_refuses_what_the_page_refuses(sent, lead_reporter):
    with pytest.raises(ValidationError):
        conversation.post_comment(sent, None, lead_reporter, " ")
    with pytest.raises(ValidationError):
        conversation.post_comment(sent, None, lead_reporter, "x" * (COMMENT_MAX_LENGTH + 1))
    assert conversation.post_comment(sent, None, lead_reporter, "x" * COMMENT_MAX_LENGTH).pk


def test_a_comment_returns_only_to_this_site(client, sent, lead_reporter):
    client.force_login(lead_reporter)
    response = client.post(report_url(sent), {"body": "Xin chào", "next": "https://evil.example/"})
    assert response["Location"] == report_url(sent) + "#y-kien"


def test_a_comment_sent_after_the_session_ended_is_offered_back_after_login(client, sent, coordinated, lead_reporter):
    client.force_login(lead_reporter)
    url = task_url(sent, coordinated)
    client.get(url)
    session = client.session
    session[LAST_SEEN] = int(time.time()) - 31 * 60  # 31 idle minutes
    session.save()
    response = client.post(url, {"body": "Gõ khi phiên đã hết."})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not Comment.objects.exists()
    client.force_login(lead_reporter)
    page = client.get(url)
    assert "Phiên đăng nhập đã hết khi bạn gửi ý kiến" in page.text and "Gõ khi phiên đã hết." in page.text


def test_a_cards_comment_sent_after_the_session_ended_comes_back_on_its_tasks_page(client, sent, coordinated, lead_reporter):
    client.force_login(lead_reporter)
    client.get(report_url(sent))
    session = client.session
    session[LAST_SEEN] = int(time.time()) - 31 * 60
    session.save()
    data = {"task": str(coordinated.pk), f"body-{coordinated.pk}": "Trên thẻ, khi phiên đã hết.", "next": "/"}
    assert client.post(report_url(sent), data)["Location"].startswith(reverse("login"))
    client.force_login(lead_reporter)
    page = client.get(report_url(sent))
    assert "Trên thẻ, khi phiên đã hết." in page.text
    assert page.context["place"].task == coordinated and f'action="{task_url(sent, coordinated)}"' in page.text


# --- announced, kept with the report's history --------------------------------------------------


def test_a_comment_is_announced_after_commit_and_kept_in_the_history(
    client, sent, coordinated, coordinator, django_capture_on_commit_callbacks
):
    heard = []

    def listener(sender, comment, actor, **kwargs):
        heard.append((comment.body, actor))

    events.comment_posted.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            comment = conversation.post_comment(sent, coordinated, coordinator, "Đề nghị bổ sung minh chứng.")
    finally:
        events.comment_posted.disconnect(listener)
    assert heard == [("Đề nghị bổ sung minh chứng.", coordinator)]
    assert comment.history.get().history_user == coordinator
    client.force_login(coordinator)
    history = client.get(reverse("report_detail", args=[sent.pk])).context["history"]
    assert any(str(step.name) == "Ý kiến" and step.item == f"Nhiệm vụ {coordinated.number}" for step in history)


# --- the pages that show the threads ------------------------------------------------------------


def test_a_returned_report_shows_the_thread_beside_the_note(client, sent, coordinator, lead_reporter):
    workflow.return_report(sent, coordinator, "Bổ sung số liệu nhiệm vụ 6.1.", sent.version)
    conversation.post_comment(sent, None, coordinator, "Gọi lại cho chị Lan nếu cần.")
    client.force_login(lead_reporter)
    text = client.get(reverse("report_form", args=[sent.period_id, sent.agency_id])).text
    block = text[text.index('<div class="note-and-thread with-note">') :]
    note, comment = block.index("Bổ sung số liệu nhiệm vụ 6.1."), block.index("Gọi lại cho chị Lan nếu cần.")
    assert note < comment < block.index('class="report-form"')
    # The clerk answers in the thread and comes back to the form, at the thread.
    form_url = reverse("report_form", args=[sent.period_id, sent.agency_id])
    response = client.post(report_url(sent), {"body": "Đã bổ sung, xin gửi lại.", "next": form_url + "#y-kien"})
    assert response["Location"] == form_url + "#y-kien"
    assert "Đã bổ sung, xin gửi lại." in client.get(form_url).text


def test_the_form_puts_each_tasks_thread_on_its_card_outside_the_reports_form(client, draft, coordinated, lead_reporter):
    conversation.post_comment(draft, coordinated, lead_reporter, "Ghi chú nhiệm vụ 6.1")
    client.force_login(lead_reporter)
    text = client.get(reverse("report_form", args=[draft.period_id, draft.agency_id])).text
    anchor = f"y-kien-{coordinated.pk}"
    card = text[text.index(f'id="task-{coordinated.pk}"') :]
    assert card.index("Ghi chú nhiệm vụ 6.1") < card.index("</article>")
    assert f'<details class="thread" id="{anchor}" open>' in card  # a thread with comments is open
    assert f'name="body-{coordinated.pk}"' in card and f'name="task" value="{coordinated.pk}"' in card
    assert card.count('form="y-kien-nhiem-vu"') >= 2  # the box and the button belong to the comment form…
    outside = text[text.index("</form>", text.index('class="report-form"')) :]  # …which comes after the report's form
    assert 'id="y-kien-nhiem-vu" hidden' in outside and f'action="{report_url(draft)}"' in outside


def test_a_cards_box_posts_its_tasks_thread_and_returns_to_the_card(client, draft, coordinated, lead_reporter):
    client.force_login(lead_reporter)
    form_url = reverse("report_form", args=[draft.period_id, draft.agency_id])
    other = f"body-{coordinated.pk + 1}"
    data = {"next": form_url, "task": str(coordinated.pk), f"body-{coordinated.pk}": "Trên thẻ 6.1", other: "nháp khác"}
    response = client.post(report_url(draft), data)
    assert response["Location"] == form_url + f"#y-kien-{coordinated.pk}"
    comment = Comment.objects.get()
    assert (comment.task, comment.body) == (coordinated, "Trên thẻ 6.1")
    # Refused, it comes back on its task's own page, which posts to that task's thread.
    response = client.post(report_url(draft), {**data, f"body-{coordinated.pk}": " "})
    assert response.status_code == 400 and f'action="{task_url(draft, coordinated)}"' in response.text


def test_a_report_without_comments_offers_a_box_on_every_card(client, draft, lead_reporter):
    client.force_login(lead_reporter)
    response = client.get(reverse("report_form", args=[draft.period_id, draft.agency_id]))
    rows = [row for section in response.context["sheet"].sections for row in section.rows]
    assert response.text.count('<details class="thread" id="y-kien-') == len(rows)  # each closed, with its box
    assert response.text.count('form="y-kien-') == 2 * len(rows)  # box and button, on each card
    assert 'id="y-kien"' in response.text  # and the report's own thread


def test_the_review_page_shows_the_threads(client, sent, coordinated, coordinator, lead_reporter):
    conversation.post_comment(sent, None, lead_reporter, "Ý kiến về báo cáo chung")
    conversation.post_comment(sent, coordinated, lead_reporter, "Ý kiến về nhiệm vụ 6.1")
    client.force_login(coordinator)
    text = client.get(reverse("report_detail", args=[sent.pk])).text
    assert "Ý kiến về báo cáo chung" in text
    card = text[text.index(f'id="task-{coordinated.pk}"') :]
    assert card.index("Ý kiến về nhiệm vụ 6.1") < card.index("</article>")
    assert f'action="{task_url(sent, coordinated)}"' in card


# --- a fixed number of queries -----------------------------------------------------------------


def _comment_on_every_task(report, user):
    for task in tasks_for_agency(report.agency, plan=report.period.plan):
        conversation.post_comment(report, task, user, f"Ý kiến {task.number}")
    conversation.post_comment(report, None, user, "Ý kiến chung")


def test_the_report_form_runs_the_same_queries_with_10_or_100_commented_tasks(
    client, draft, lead_reporter, an_giang_plan, django_assert_max_num_queries
):
    # the form's queries (tests/reporting/test_report_form.py) and one for the report's comments
    client.force_login(lead_reporter)
    url = reverse("report_form", args=[draft.period_id, draft.agency_id])
    add_tasks(an_giang_plan, 10, agency_name="Sở Y tế")
    _comment_on_every_task(draft, lead_reporter)
    with django_assert_max_num_queries(20) as small:
        client.get(url)
    assert sum('FROM "reporting_comment"' in query["sql"] for query in small.captured_queries) == 1
    add_tasks(an_giang_plan, 90, agency_name="Sở Y tế")
    _comment_on_every_task(draft, lead_reporter)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.context["thread"].count > 100


def test_the_review_page_runs_the_same_queries_with_10_or_100_commented_tasks(
    client, sent, coordinator, lead_reporter, an_giang_plan, django_assert_max_num_queries
):
    # session, user, device, report, whether the user reviews, whether the user reports for the agency,
    # the sheet's groups, tasks, answers, their files, colleagues' answers, the comments (one query), the
    # history (report, answers), what the layout adds
    client.force_login(coordinator)
    url = reverse("report_detail", args=[sent.pk])
    add_tasks(an_giang_plan, 10, agency_name="Sở Y tế")
    _comment_on_every_task(sent, lead_reporter)
    with django_assert_max_num_queries(20) as small:
        client.get(url)
    assert sum('FROM "reporting_comment"' in query["sql"] for query in small.captured_queries) == 1
    add_tasks(an_giang_plan, 90, agency_name="Sở Y tế")
    _comment_on_every_task(sent, lead_reporter)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.context["thread"].count > 100


def test_the_thread_pages_run_the_same_queries_with_few_or_many_comments(
    client, sent, coordinated, period, long_xuyen, lead_reporter, district_reporter, django_assert_max_num_queries
):
    # thread page: session, user, device, report, task, whether the user sees the report, whether it sees
    # the plan, whether the report's agency leads the task, the user's agencies, their roles on the task,
    # the comments. The coordinated page: session, user, device, agency, period, task, the lead reports,
    # the comments. Both: what the layout adds.
    client.force_login(district_reporter)
    pages = [task_url(sent, coordinated), reverse("coordinated_threads", args=[period.pk, long_xuyen.pk, coordinated.pk])]
    conversation.post_comment(sent, coordinated, lead_reporter, "Một")
    small = {}
    for url in pages:
        with django_assert_max_num_queries(15) as captured:
            client.get(url)
        small[url] = len(captured.captured_queries)
    for i in range(30):
        conversation.post_comment(sent, coordinated, lead_reporter, f"Ý kiến {i}")
    for url in pages:
        with django_assert_max_num_queries(small[url]):
            assert "Ý kiến 29" in client.get(url).text
