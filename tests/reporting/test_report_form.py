"""The reporter's one-page form: draft, submit, errors by field, concurrent saves, evidence files."""

import pytest
from django.urls import reverse

from plans.models import Agency
from plans.obligations import tasks_for_agency
from reporting import workflow
from reporting.evidence import check_upload
from reporting.models import EvidenceFile, Report
from tests.factories import add_tasks, close_response, make_reporter

from . import helpers

pytestmark = pytest.mark.django_db


@pytest.fixture
def form_url(commune, year):
    return reverse("report_form", args=[year.pk, commune.pk])


def post_data(agency, period, version, status="in_progress", narrative="Đã triển khai.", **extra):
    data = {"version": version, "difficulties": "Thiếu kinh phí.", "proposals": "Tăng kinh phí tuyên truyền."}
    for task in tasks_for_agency(agency, plan=period.plan):
        data.update({f"t{task.pk}-status": status, f"t{task.pk}-percent_done": "50", f"t{task.pk}-narrative": narrative})
    data.update(extra)
    return data


def test_the_form_lists_every_task_of_the_agency_by_dimension(client, commune_reporter, form_url):
    client.force_login(commune_reporter)
    response = client.get(form_url)
    assert response.status_code == 200
    sheet = response.context["sheet"]
    assert sheet.task_count == 19
    assert [s.dimension.number for s in sheet.sections] == [1, 2, 3, 4, 5, 6]  # no commune task in 7 and 8
    assert {row.role for s in sheet.sections for row in s.rows} == {"coordinating"}  # the districts lead
    assert "100% UBND cấp xã triển khai thực hiện." in response.text  # the task's measure
    assert "Thường xuyên" in response.text  # its timeframe


def test_saving_a_draft_keeps_everything_without_checks(client, commune_reporter, form_url, commune, year):
    client.force_login(commune_reporter)
    data = post_data(commune, year, 0, status="", narrative="Mới làm một phần.", save="1")
    response = client.post(form_url, data)
    assert response.status_code == 302
    report = Report.objects.get(agency=commune, period=year)
    assert report.status == Report.Status.DRAFT and report.difficulties == "Thiếu kinh phí."
    assert set(report.progress.values_list("narrative", flat=True)) == {"Mới làm một phần."}


def test_a_tasks_difficulties_are_kept_with_its_answer_and_shown_to_the_department(
    client, commune_reporter, other_province_coordinator, form_url, commune, year
):
    client.force_login(commune_reporter)
    task = tasks_for_agency(commune, plan=year.plan).order_by("order").first()
    data = post_data(commune, year, 0, submit="1", **{f"t{task.pk}-difficulties": "Chưa có kinh phí in tài liệu."})
    assert client.post(form_url, data).status_code == 302
    report = Report.objects.get(agency=commune, period=year)
    assert report.progress.get(task=task).difficulties == "Chưa có kinh phí in tài liệu."
    assert report.progress.exclude(task=task).filter(difficulties="").count() == 18
    client.force_login(other_province_coordinator)
    assert "Chưa có kinh phí in tài liệu." in client.get(reverse("report_detail", args=[report.pk])).text


def test_submitting_lists_each_problem_next_to_its_task(client, commune_reporter, form_url, commune, year):
    client.force_login(commune_reporter)
    data = post_data(commune, year, 0, status="completed", narrative="", submit="1")
    response = client.post(form_url, data)
    assert response.status_code == 200
    forms = response.context["task_forms"]
    assert all(form.errors["narrative"] == ["Nhiệm vụ đã hoàn thành cần ghi kết quả thực hiện."] for form in forms.values())
    assert "Báo cáo chưa đủ để gửi: 19 nhiệm vụ cần bổ sung." in response.text
    report = Report.objects.get(agency=commune, period=year)
    assert report.status == Report.Status.DRAFT  # saved as a draft, not sent
    assert response.context["report_form"]["version"].value() == report.version  # the next save is not refused


def test_submitting_a_complete_report_sends_it(client, commune_reporter, form_url, commune, year):
    client.force_login(commune_reporter)
    response = client.post(form_url, post_data(commune, year, 0, submit="1"))
    report = Report.objects.get(agency=commune, period=year)
    assert response.status_code == 302 and response["Location"] == reverse("report_detail", args=[report.pk])
    assert report.status == Report.Status.SUBMITTED


def test_a_second_save_from_an_old_page_is_refused_and_keeps_what_was_typed(client, commune_reporter, form_url, commune, year):
    client.force_login(commune_reporter)
    client.post(form_url, post_data(commune, year, 0, narrative="Bản của người thứ nhất.", save="1"))
    response = client.post(form_url, post_data(commune, year, 0, narrative="Bản của người thứ hai.", save="1"))
    assert response.status_code == 200
    assert "vừa được người khác lưu" in response.text
    assert "Bản của người thứ hai." in response.text  # still in the form
    report = Report.objects.get(agency=commune, period=year)
    assert set(report.progress.values_list("narrative", flat=True)) == {"Bản của người thứ nhất."}


def test_a_returned_report_opens_with_the_note_on_top_and_answers_kept(
    client, commune_reporter, other_province_coordinator, form_url, commune, year
):
    client.force_login(commune_reporter)
    client.post(form_url, post_data(commune, year, 0, narrative="Đã công khai danh sách.", submit="1"))
    report = Report.objects.get(agency=commune, period=year)
    workflow.return_report(report, other_province_coordinator, "Ghi rõ số hộ được bình xét.")
    page = client.get(form_url).text
    assert page.index("Ghi rõ số hộ được bình xét.") < page.index("task-card")
    assert "Đã công khai danh sách." in page


def test_an_accepted_report_opens_read_only(client, commune_reporter, other_province_coordinator, form_url, commune, year):
    client.force_login(commune_reporter)
    client.post(form_url, post_data(commune, year, 0, submit="1"))
    report = workflow.accept_report(Report.objects.get(agency=commune, period=year), other_province_coordinator)
    assert client.get(form_url)["Location"] == reverse("report_detail", args=[report.pk])
    # A save posted from a page opened before the report was sent: kept on screen, not saved.
    response = client.post(form_url, post_data(commune, year, report.version, narrative="sửa sau khi tiếp nhận", save="1"))
    assert response.status_code == 200
    assert "không lưu được" in response.text and "sửa sau khi tiếp nhận" in response.text
    assert not report.progress.filter(narrative="sửa sau khi tiếp nhận").exists()


def test_a_closed_period_still_keeps_a_draft_but_refuses_to_send(client, commune_reporter, form_url, commune, year):
    from reporting.models import ReportingPeriod

    ReportingPeriod.objects.filter(pk=year.pk).update(status=ReportingPeriod.Status.LOCKED)
    client.force_login(commune_reporter)
    page = client.get(form_url).text
    assert "Kỳ báo cáo đã bị Sở Nội vụ khóa." in page and 'name="submit"' not in page
    response = client.post(form_url, post_data(commune, year, 0, narrative="Chuẩn bị sẵn.", submit="1"))
    assert "Kỳ báo cáo đã bị Sở Nội vụ khóa." in response.text and "Chuẩn bị sẵn." in response.text
    report = Report.objects.get(agency=commune, period=year)
    assert report.status == Report.Status.DRAFT
    assert set(report.progress.values_list("narrative", flat=True)) == {"Chuẩn bị sẵn."}


@pytest.mark.parametrize("make", [helpers.pdf, helpers.png, helpers.xlsx, helpers.docx])
def test_evidence_of_each_accepted_kind_is_saved(client, commune_reporter, form_url, commune, year, make):
    client.force_login(commune_reporter)
    task = tasks_for_agency(commune, plan=year.plan).first()
    upload = make()
    response = client.post(form_url, post_data(commune, year, 0, save="1", **{f"t{task.pk}-files": [upload]}))
    assert response.status_code == 302
    evidence = EvidenceFile.objects.get()
    assert evidence.original_name == upload.name and evidence.progress.task == task
    assert evidence.file.name.startswith("evidence/") and upload.name not in evidence.file.name  # a random stored name


@pytest.mark.parametrize(
    ("make", "message"),
    [(helpers.executable, "không phải PDF, Word, Excel hoặc ảnh"), (helpers.huge_pdf, "vượt mức 10 MB")],
)
def test_a_bad_upload_is_refused_and_the_rest_is_kept_as_a_draft(
    client, commune_reporter, form_url, commune, year, make, message
):
    client.force_login(commune_reporter)
    task = tasks_for_agency(commune, plan=year.plan).first()
    response = client.post(form_url, post_data(commune, year, 0, save="1", **{f"t{task.pk}-files": [make()]}))
    assert response.status_code == 200
    assert message in str(response.context["task_forms"][task.pk].errors["files"])
    assert not EvidenceFile.objects.exists()  # the file is not kept…
    report = Report.objects.get(agency=commune, period=year)
    assert report.status == "draft" and report.progress.count() == 19  # …every answer typed is, its task's too
    assert report.progress.get(task=task).status == "in_progress"
    # The summary at the top names what was not kept and links to its task.
    assert f'href="#task-{task.pk}"' in response.text and "Đã lưu nháp những ô hợp lệ." in response.text
    # The page carries the report's new version: saving again after correcting is not refused as stale.
    assert response.context["report_form"]["version"].value() == report.version


def test_an_image_renamed_as_a_pdf_is_refused():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        check_upload(helpers.png(name="scan.pdf"))


def test_evidence_is_served_only_to_those_who_see_the_report(
    client, commune_reporter, coordinator, other_province_coordinator, form_url, commune, year
):
    client.force_login(commune_reporter)
    task = tasks_for_agency(commune, plan=year.plan).first()
    client.post(form_url, post_data(commune, year, 0, submit="1", **{f"t{task.pk}-files": [helpers.pdf()]}))
    url = reverse("evidence_download", args=[EvidenceFile.objects.get().pk])
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert response["Content-Disposition"].startswith("attachment")
    close_response(response)
    client.force_login(other_province_coordinator)
    response = client.get(url)
    assert response.status_code == 200  # Đắk Nông's own coordinator
    close_response(response)
    client.force_login(coordinator)
    assert client.get(url).status_code == 404  # An Giang's
    client.logout()
    assert client.get(url).status_code == 302


def test_the_lead_agency_reads_the_coordinating_agencies_sent_answers(client, commune_reporter, commune, year, dak_nong_plan):
    labour = Agency.objects.get(province=dak_nong_plan.province, name="Sở Lao động Thương binh và Xã hội")
    labour_reporter = make_reporter("ldtbxh.daknong", labour)
    task = dak_nong_plan.tasks.get(number="II.3")  # led by Sở LĐTBXH, the communes coordinate
    client.force_login(commune_reporter)
    client.post(
        reverse("report_form", args=[year.pk, commune.pk]),
        post_data(commune, year, 0, narrative="Xã đã kiểm tra 6 thôn.", save="1"),
    )
    lead_form = reverse("report_form", args=[year.pk, labour.pk])
    client.force_login(labour_reporter)
    assert "Xã đã kiểm tra 6 thôn." not in client.get(lead_form).text  # a draft is the commune's own
    report = Report.objects.get(agency=commune, period=year)
    workflow.submit_report(report, commune_reporter, report.version)
    response = client.get(lead_form)
    row = next(r for s in response.context["sheet"].sections for r in s.rows if r.task == task)
    assert row.role == "lead" and [a.report.agency for a in row.colleagues] == [commune]
    assert "Xã đã kiểm tra 6 thôn." in response.text


def test_the_form_runs_the_same_queries_for_10_or_200_tasks(
    client, commune_reporter, commune, year, dak_nong_plan, django_assert_num_queries
):
    # The header's unread notifications; then session, user, the session's two-factor device, reporting agency, period,
    # report, lock exceptions,
    # the agency's groups, tasks (with whether the agency leads each), answers, their files, colleagues' answers,
    # the agency's answers of earlier periods (what a new period starts from), the report's comments
    client.force_login(commune_reporter)
    url = reverse("report_form", args=[year.pk, commune.pk])
    client.post(url, post_data(commune, year, 0, save="1"))
    add_tasks(dak_nong_plan, 10, agency_name="UBND xã Đắk Nia")
    with django_assert_num_queries(15):
        client.get(url)
    add_tasks(dak_nong_plan, 190, agency_name="UBND xã Đắk Nia")
    with django_assert_num_queries(15):
        response = client.get(url)
    assert response.context["sheet"].task_count == 219


def test_a_lead_through_a_group_reads_sent_answers_but_not_a_returned_one(
    client, commune_reporter, other_province_coordinator, commune, year, dak_nong_plan
):
    district = Agency.objects.get(name="UBND huyện Cư Jút")  # "UBND cấp huyện" leads I.1; the communes coordinate
    district_reporter = make_reporter("cujut.daknong", district)
    client.force_login(commune_reporter)
    client.post(
        reverse("report_form", args=[year.pk, commune.pk]),
        post_data(commune, year, 0, narrative="Tuyên truyền 6 buổi.", submit="1"),
    )
    task = dak_nong_plan.tasks.get(number="I.1")
    lead_form = reverse("report_form", args=[year.pk, district.pk])
    client.force_login(district_reporter)
    row = next(r for s in client.get(lead_form).context["sheet"].sections for r in s.rows if r.task == task)
    assert row.role == "lead" and [a.report.agency for a in row.colleagues] == [commune]
    workflow.return_report(Report.objects.get(agency=commune, period=year), other_province_coordinator, "Bổ sung.")
    row = next(r for s in client.get(lead_form).context["sheet"].sections for r in s.rows if r.task == task)
    assert row.colleagues == []  # being edited again: not shown until sent


def attach_file(made, task):
    from django.core.files.base import ContentFile

    progress = made.progress.get(task=task)
    return EvidenceFile.objects.create(
        progress=progress,
        file=ContentFile(b"%PDF-1.4 x", name="x.pdf"),
        original_name="x.pdf",
        content_type="application/pdf",
        size=10,
    )


@pytest.mark.parametrize("grouping", ["by kind", "by name"])
def test_a_commune_leading_with_its_group_reads_the_coordinating_agencies_not_the_other_members(
    client, commune_reporter, commune, year, dak_nong_plan, grouping
):
    from plans.models import AgencyGroup, Task, TaskAssignment
    from tests.factories import report

    labour = Agency.objects.get(province=dak_nong_plan.province, name="Sở Lao động Thương binh và Xã hội")
    neighbour = Agency.objects.filter(province=dak_nong_plan.province, kind=commune.kind).exclude(pk=commune.pk).first()
    if grouping == "by kind":
        group = AgencyGroup.objects.get(province=dak_nong_plan.province, name="UBND cấp xã")
    else:
        group = AgencyGroup.objects.create(province=dak_nong_plan.province, name="Xã điểm cải cách hành chính")
        group.members.set([commune, neighbour])
    task = Task.objects.create(plan=dak_nong_plan, number="X.9", title="Rà soát thủ tục tại xã")
    TaskAssignment.objects.create(task=task, group=group, role="lead")
    TaskAssignment.objects.create(task=task, agency=labour, role="coordinating")
    colleague_file = attach_file(report(labour, year, "submitted", year.due_date, [(task, "in_progress", 50, "")]), task)
    peer_file = attach_file(report(neighbour, year, "submitted", year.due_date, [(task, "completed", 100, "")]), task)
    client.force_login(commune_reporter)
    response = client.get(reverse("report_form", args=[year.pk, commune.pk]))
    row = next(r for s in response.context["sheet"].sections for r in s.rows if r.task == task)
    assert row.role == "lead" and [a.report.agency for a in row.colleagues] == [labour]
    # The files follow the answers: the colleague's downloads, the peer's is not there.
    download = client.get(reverse("evidence_download", args=[colleague_file.pk]))
    assert download.status_code == 200
    close_response(download)
    assert client.get(reverse("evidence_download", args=[peer_file.pk])).status_code == 404


def test_uploads_are_in_the_history(client, commune_reporter, form_url, commune, year):
    client.force_login(commune_reporter)
    task = tasks_for_agency(commune, plan=year.plan).first()
    client.post(form_url, post_data(commune, year, 0, save="1", **{f"t{task.pk}-files": [helpers.pdf()]}))
    record = EvidenceFile.history.get()
    assert (record.original_name, record.history_user) == ("bien-ban.pdf", commune_reporter)


def test_the_task_forms_of_a_page_share_their_fields_but_not_their_answers_or_errors():
    from django.template import Context, Template

    from reporting.forms import TaskProgressForm

    def state(form):
        return {name: (f.required, dict(f.widget.attrs), list(getattr(f, "choices", []))) for name, f in form.fields.items()}

    before = state(TaskProgressForm())
    wrong = TaskProgressForm({"t1-percent_done": "140", "t1-status": "nonsense"}, prefix="t1")
    right = TaskProgressForm({"t2-percent_done": "40", "t2-status": "in_progress"}, prefix="t2")
    assert wrong.fields["status"] is right.fields["status"]  # one set of fields for the page's forms
    assert not wrong.is_valid() and right.is_valid()
    wrong.add_error("narrative", "Cần ghi kết quả.")
    assert set(wrong.errors) == {"percent_done", "status", "narrative"} and not right.errors
    page = Template("{% load common_tags %}{% for f in forms %}{% field f.percent_done %}{% field f.narrative %}{% endfor %}")
    html = page.render(Context({"forms": [wrong, right]}))
    assert html.count("errorlist") == 2 and 'name="t2-percent_done" value="40"' in html
    assert state(TaskProgressForm()) == before  # nothing a form did changed the shared fields


# --- the largest report, and a request over the limits -------------------------------------


def browser_post(client, url, data, file_inputs):
    """POST a multipart form as a browser does: every file input is a part of its own, an empty
    one too (with an empty file name), which Django counts against DATA_UPLOAD_MAX_NUMBER_FILES."""
    from django.test.client import encode_multipart

    boundary = "papi-browser-form"  # not the test client's own, or it would encode the body again
    closing = f"--{boundary}--\r\n".encode()
    empty = "".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename=""\r\n'
        "Content-Type: application/octet-stream\r\n\r\n\r\n"
        for name in file_inputs
    )
    body = encode_multipart(boundary, data).removesuffix(closing) + empty.encode() + closing
    return client.post(url, body, content_type=f"multipart/form-data; boundary={boundary}")


@pytest.fixture
def largest_plan(dak_nong_plan):
    """A plan of MAX_TASKS_PER_PLAN tasks, all on the commune, each with a percentage measure
    (so each task card has every field), and its year period."""
    import datetime

    from papi_tracker.limits import MAX_TASKS_PER_PLAN
    from plans.models import Plan, Task, touch_plans
    from reporting.models import ReportingPeriod

    plan = Plan.objects.create(
        province=dak_nong_plan.province, year=2020, title="Kế hoạch lớn", document_number="300/KH-UBND", baseline_year=2019
    )
    add_tasks(plan, MAX_TASKS_PER_PLAN, agency_name="UBND xã Đắk Nia")
    Task.objects.filter(plan=plan).update(measure_value=100, measure_unit="%")
    touch_plans([plan.pk])
    period = ReportingPeriod.objects.create(
        plan=plan, kind="year", start=datetime.date(2019, 12, 15), end=datetime.date(2020, 12, 14),
        due_date=datetime.date(2020, 12, 16),
    )  # fmt: skip
    return period


def longest_answers(tasks, version, **extra):
    """Every field of every task filled, each text at its longest, in 4-byte UTF-8 characters:
    the most a browser can send through the form's maxlength attributes."""
    from papi_tracker import limits

    wide = "𝐀"  # 4 bytes in UTF-8, as no Vietnamese letter is: the worst case for the byte limit
    data = {"version": version, "difficulties": wide * limits.REPORT_TEXT_MAX_LENGTH,
            "proposals": wide * limits.REPORT_TEXT_MAX_LENGTH, **extra}  # fmt: skip
    for task in tasks:
        data.update({
            f"t{task.pk}-status": "completed", f"t{task.pk}-percent_done": "100", f"t{task.pk}-achieved_value": "99,5",
            f"t{task.pk}-narrative": wide * limits.TASK_NARRATIVE_MAX_LENGTH,
            f"t{task.pk}-evidence": wide * limits.TASK_EVIDENCE_MAX_LENGTH,
            f"t{task.pk}-difficulties": wide * limits.TASK_DIFFICULTIES_MAX_LENGTH,
        })  # fmt: skip
    return data


def test_a_report_on_the_largest_plan_with_every_text_at_its_longest_saves_and_submits(
    client, commune_reporter, commune, largest_plan
):
    from papi_tracker import limits

    tasks = list(largest_plan.plan.tasks.all())
    assert len(tasks) == limits.MAX_TASKS_PER_PLAN
    url = reverse("report_form", args=[largest_plan.pk, commune.pk])
    files = [f"t{task.pk}-files" for task in tasks]
    client.force_login(commune_reporter)
    data = longest_answers(tasks, 0, save="1")
    # Over Django's defaults (1,000 fields, 2.5 MB): what lets it through is the settings' limits.
    assert len(data) + len(files) > 1000 and len(data[f"t{tasks[0].pk}-narrative"].encode()) * len(tasks) > 2.5 * 2**20

    response = browser_post(client, url, data, files)
    assert response.status_code == 302, response.status_code
    report = Report.objects.get(agency=commune, period=largest_plan)
    assert report.progress.count() == limits.MAX_TASKS_PER_PLAN
    assert {len(text) for text in report.progress.values_list("narrative", flat=True)} == {limits.TASK_NARRATIVE_MAX_LENGTH}

    response = browser_post(client, url, longest_answers(tasks, report.version, submit="1"), files)
    assert response.status_code == 302 and response["Location"] == reverse("report_detail", args=[report.pk])
    report.refresh_from_db()
    assert report.status == Report.Status.SUBMITTED


@pytest.mark.parametrize("over", ["fields", "bytes"])
def test_a_save_over_the_request_limits_gets_a_vietnamese_page_that_says_nothing_was_saved(
    commune_reporter, form_url, commune, year, over
):
    import re

    from django.conf import settings
    from django.test import Client

    client = Client(enforce_csrf_checks=True)  # as a browser: the CSRF check is the first to read the form
    client.force_login(commune_reporter)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', client.get(form_url).text)[1]
    data = post_data(commune, year, 0, save="1", csrfmiddlewaretoken=token)
    if over == "fields":
        data.update({f"x{n}": "1" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS)})
    else:
        data["proposals"] = "a" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = client.post(form_url, data)
    assert response.status_code == 400
    assert response["Content-Language"] == "vi"
    page = response.text
    assert "Chưa có gì được lưu." in page
    assert "Bấm nút Quay lại (Back) của trình duyệt: nội dung bạn đã nhập vẫn còn trong biểu mẫu." in page
    assert f'href="{form_url}"' in page  # back to the form
    assert "Bad Request" not in page
    assert not Report.objects.filter(agency=commune, period=year).exists()


# --- achieved values within their measure -----------------------------------------------------


@pytest.fixture
def percent_task(commune, year):
    """One of the commune's tasks, measured in percent (100 %)."""
    from plans.models import Task

    task = tasks_for_agency(commune, plan=year.plan).order_by("order").first()
    Task.objects.filter(pk=task.pk).update(measure_value=100, measure_unit="%")
    return task


@pytest.mark.parametrize(
    ("value", "message"),
    [("-3", "Giá trị đạt được không được âm."), ("100,5", "Chỉ tiêu tính theo phần trăm: giá trị đạt được tối đa là 100.")],
)
def test_an_achieved_value_outside_its_measure_is_refused_beside_it(
    client, commune_reporter, form_url, commune, year, percent_task, value, message
):
    client.force_login(commune_reporter)
    response = client.post(form_url, post_data(commune, year, 0, save="1", **{f"t{percent_task.pk}-achieved_value": value}))
    assert response.status_code == 200
    assert response.context["task_forms"][percent_task.pk].errors == {"achieved_value": [message]}
    assert message in response.text
    # The value is not kept; the rest of the form, that task's status included, is.
    kept = Report.objects.get(agency=commune, period=year).progress.get(task=percent_task)
    assert kept.achieved_value is None and kept.status == "in_progress"


def test_a_field_refused_alone_leaves_nothing_saved_when_nothing_else_was_typed(
    client, commune_reporter, form_url, commune, year, percent_task
):
    client.force_login(commune_reporter)
    data = {"version": 0, f"t{percent_task.pk}-achieved_value": "-3"}
    response = client.post(form_url, data)
    assert response.status_code == 200 and "không được âm" in response.text
    assert not Report.objects.filter(agency=commune, period=year).exists()


def test_a_count_may_exceed_100_and_a_percent_may_reach_it(client, commune_reporter, form_url, commune, year, percent_task):
    from plans.models import Task

    count = tasks_for_agency(commune, plan=year.plan).exclude(pk=percent_task.pk).order_by("order").first()
    Task.objects.filter(pk=count.pk).update(measure_value=4, measure_unit="lần/năm")
    client.force_login(commune_reporter)
    values = {f"t{percent_task.pk}-achieved_value": "100", f"t{count.pk}-achieved_value": "250"}
    assert client.post(form_url, post_data(commune, year, 0, save="1", **values)).status_code == 302
    answers = dict(Report.objects.get(agency=commune, period=year).progress.values_list("task_id", "achieved_value"))
    assert (answers[percent_task.pk], answers[count.pk]) == (100, 250)
