"""One answer per task: the lead agency reads its coordinating agencies' sent answers beside its
own, takes them in (recorded), and the compiled report, its PDF and Excel show the lead's answer
per task, the coordinating agencies' in an optional annex; the figures stay the dashboard's."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from plans.models import Agency
from plans.obligations import tasks_for_agency
from reporting import compiled, progress, workflow
from reporting.models import Report, TaskProgress
from tests.pdf import pdf_text
from tests.reporting.test_compiled import HEADING

pytestmark = pytest.mark.django_db


def answers(agency, period, text):
    return {t.pk: {"status": "in_progress", "percent_done": 50, "achieved_value": None, "narrative": f"{text} ({t.number})",
                   "evidence": "", "difficulties": ""}
            for t in tasks_for_agency(agency, plan=period.plan)}  # fmt: skip


@pytest.fixture
def coordinated(an_giang_plan, district_reporter):
    """Long Xuyên coordinates task 6.1, which Sở Y tế leads; it sent its year report."""
    period = an_giang_plan.periods.get(kind="year")
    city = Agency.objects.get(province=an_giang_plan.province, name="UBND thành phố Long Xuyên")
    report = workflow.save_draft(agency=city, period=period, user=district_reporter, seen_version=0, difficulties="",
                                 proposals="", progress=answers(city, period, "Long Xuyên đã tuyên truyền"))  # fmt: skip
    workflow.submit_report(report, district_reporter, report.version)
    task = an_giang_plan.tasks.get(number="6.1")
    theirs = TaskProgress.objects.get(report=report, task=task)
    return period, task, theirs


def form_data(page, **changes):
    """The form as the page sent it (every field with its value), with `changes`."""
    context = page.context
    data = {"version": context["report_form"]["version"].value() or 0}
    for task_id, form in context["task_forms"].items():
        for name in ("status", "percent_done", "achieved_value", "narrative", "evidence", "difficulties"):
            data[f"t{task_id}-{name}"] = form[name].value() or ""
        data[f"t{task_id}-status"] = "in_progress"
    return data | changes


def test_the_lead_takes_a_coordinating_answer_into_its_own(client, lead_reporter, coordinated, an_giang_plan):
    period, task, theirs = coordinated
    health = Agency.objects.get(province=an_giang_plan.province, name="Sở Y tế")
    url = reverse("report_form", args=[period.pk, health.pk])
    client.force_login(lead_reporter)
    page = client.get(url)
    assert f'name="t{task.pk}-take_in" value="{theirs.pk}"' in page.text and "Long Xuyên đã tuyên truyền (6.1)" in page.text
    other = TaskProgress.objects.exclude(pk=theirs.pk).first()  # an answer not shown here
    data = form_data(page, **{f"t{task.pk}-narrative": "Sở Y tế và UBND TP Long Xuyên đã tuyên truyền."})
    data[f"t{task.pk}-take_in"] = [str(theirs.pk), str(other.pk), "x"]
    assert client.post(url, data).status_code == 302
    mine = TaskProgress.objects.get(report__agency=health, report__period=period, task=task)
    assert list(mine.taken_in.all()) == [theirs]  # only what the page showed
    page = client.get(url)
    assert f'value="{theirs.pk}" checked' in page.text  # shown as taken in
    # Unticked: no longer recorded.
    data = form_data(page)
    client.post(url, data)
    assert not mine.taken_in.exists()


def test_the_compiled_report_reads_as_one_answer_per_task(
    client, coordinator, lead_reporter, coordinated, an_giang_plan, tmp_path
):
    period, task, theirs = coordinated
    health = Agency.objects.get(province=an_giang_plan.province, name="Sở Y tế")
    report = workflow.save_draft(agency=health, period=period, user=lead_reporter, seen_version=0, difficulties="",
                                 proposals="", progress=answers(health, period, "Y tế đã làm"),
                                 taken_in={task.pk: {theirs.pk}})  # fmt: skip
    workflow.submit_report(report, lead_reporter, report.version)
    made = compiled.compiled_report(an_giang_plan, period)
    result = next(t for s in made.sections for t in s.tasks if t.task == task)
    assert result.result_text == "Y tế đã làm (6.1)"  # the lead's answer alone
    assert [(a.agency_name, a.taken_in) for a in result.annex_answers] == [("UBND thành phố Long Xuyên", True)]
    board = progress.plan_progress(an_giang_plan, period)
    assert made.tally == board.tally  # the figures stay the dashboard's
    # A task only a coordinating agency answered keeps that answer: nothing sent is left out.
    lonely = next(t for s in made.sections for t in s.tasks if t.answers and not any(a.role == "lead" for a in t.answers))
    assert lonely.result_text and lonely.annex_answers == []

    client.force_login(coordinator)
    url = reverse("compiled_report", args=[period.pk])
    plain = " ".join(pdf_text(client.post(url, HEADING).content, tmp_path).split())
    assert "Y tế đã làm (6.1)" in plain and "Long Xuyên đã tuyên truyền (6.1)" not in plain
    annexed = " ".join(pdf_text(client.post(url, HEADING | {"annex": "on"}).content, tmp_path).split())
    assert "PHỤ LỤC II" in annexed and "Long Xuyên đã tuyên truyền (6.1)" in annexed and "(đã tiếp thu)" in annexed
    book = load_workbook(io.BytesIO(client.get(reverse("compiled_excel", args=[period.pk])).content))
    annex = list(book["Cơ quan phối hợp"].iter_rows(min_row=4, values_only=True))
    assert ("6.1", task.title, "UBND thành phố Long Xuyên", "Long Xuyên đã tuyên truyền (6.1)", "Có") in annex
    appendix = [row for row in book.worksheets[0].iter_rows(min_row=5, values_only=True) if row[0] == "6.1"]
    assert appendix[0][6] == "Y tế đã làm (6.1)"


def test_a_coordinating_agency_cannot_record_a_take_in(client, district_reporter, coordinated, an_giang_plan):
    """The boxes are the lead's: a coordinating agency's form has none, and posting one records nothing."""
    period, task, theirs = coordinated
    city = theirs.report.agency
    Report.objects.filter(pk=theirs.report_id).update(status="returned")
    client.force_login(district_reporter)
    url = reverse("report_form", args=[period.pk, city.pk])
    page = client.get(url)
    assert "-take_in" not in page.text
    data = form_data(page) | {f"t{task.pk}-take_in": str(theirs.pk)}
    client.post(url, data)
    assert not TaskProgress.taken_in.through.objects.exists()


def test_leads_that_wrote_the_same_words_share_one_line():
    from types import SimpleNamespace

    def answer(name, text, role="lead"):
        return compiled.AgencyAnswer(name, role, "in_progress", 50, text, None)

    result = compiled.TaskResult(
        SimpleNamespace(),
        [answer("UBND huyện An Phú", "Đã triển khai."), answer("UBND huyện Chợ Mới", "Đã triển khai.  "),
         answer("UBND thị xã Tân Châu", "Đã họp dân."), answer("Sở Tư pháp", "Đã phối hợp.", "coordinating")],
    )  # fmt: skip
    assert result.result_text == "- UBND huyện An Phú, UBND huyện Chợ Mới: Đã triển khai.\n- UBND thị xã Tân Châu: Đã họp dân."
    assert [a.agency_name for a in result.annex_answers] == ["Sở Tư pháp"]
