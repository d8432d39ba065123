"""Reporting pages. Thin: access decides scope, readers build the page data, workflow changes state."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from papi_tracker import signed_preview
from papi_tracker.collation import vietnamese
from papi_tracker.downloads import PDF, XLSX, attachment, filename_slug
from papi_tracker.ids import given_id
from papi_tracker.limits import COMMENT_MAX_LENGTH
from papi_tracker.middleware import take_kept_post
from plans import access as plan_access
from plans.models import Membership, Plan, Target, Task
from plans.obligations import agencies_owing

from . import (
    access,
    charts,
    compiled,
    conversation,
    excel,
    exports,
    history,
    inbox,
    next_year,
    pdf,
    progress,
    readers,
    reminders,
    report_entry,
    report_workbook,
    workflow,
)
from .calendar import create_periods
from .forms import (
    AgencyPdfForm,
    CompiledReportForm,
    GeneratePeriodsForm,
    PeriodForm,
    ReopenForm,
    ReturnForm,
    TaskFilterForm,
    UndoAcceptForm,
)
from .models import Export, Report, TaskProgress


def _count(model):
    rows = model.objects.filter(plan=OuterRef("pk")).order_by().values("plan").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(rows), 0)


def home(request):
    """After login: a reporter's to-do list, then the plans the user may see."""
    plans = (
        plan_access.visible_plans(request.user)
        .select_related("province")
        # Two counting subqueries: joining tasks and targets at once would count their product.
        .annotate(task_count=_count(Task), target_count=_count(Target))
        .order_by("-year", "province__name")
    )
    memberships = list(plan_access.memberships(request.user).select_related("agency", "agency__province"))
    # A leader opens on the headline of each plan under way that they follow (the administrator
    # has the national view for that).
    followed = set(plan_access.followed_plans(request.user).values_list("pk", flat=True))
    headlines = []
    if followed and not plan_access.is_administrator(request.user):
        under_way = Plan.objects.filter(pk__in=followed, status=Plan.Status.ACTIVE).select_related("province")
        headlines = progress.plan_headlines(under_way.order_by("-year", "province__name", "pk"))
    context = {
        "headlines": headlines,
        "plans": plans,
        "followed": followed,
        "memberships": memberships,
        "todo": readers.todo_list(request.user),
        "coordinates": request.user.is_superuser or any(m.role == Membership.Role.COORDINATOR for m in memberships),
        "can_import_scores": plan_access.may_import_scores(request.user),
    }
    return render(request, "reporting/home.html", context)


def report_form(request, period_pk, agency_pk):
    """The one-page form: every task the agency reports on, save as draft or submit
    (reporting.report_entry decides what the request does). An autosave (header X-Autosave,
    from static/js/report_form.js) saves the draft and answers JSON instead of a page."""
    agency = access.get_reporting_agency(request.user, agency_pk)
    period = get_object_or_404(
        access.visible_periods(request.user).select_related("plan", "plan__province"),
        pk=period_pk,
        plan__province=agency.province,
    )
    posted = request.method == "POST"
    autosave = posted and bool(request.headers.get("X-Autosave"))
    data, files = (request.POST, request.FILES) if posted else (None, None)
    if autosave and "submit" in request.POST:
        data = request.POST.copy()
        del data["submit"]  # an autosave never sends the report
    kept = None if posted else take_kept_post(request)
    entry = report_entry.open_form(request.user, agency, period, data, files, kept=kept)
    if autosave:
        return _autosaved(entry)
    if entry.removed:
        messages.info(request, _("Đã bỏ tệp: %(names)s.") % {"names": ", ".join(entry.removed)})
    if entry.outcome == report_entry.SAVED:
        messages.success(request, _("Đã lưu nháp báo cáo."))
        return redirect(request.path)
    if entry.outcome == report_entry.SUBMITTED:
        messages.success(request, _("Đã gửi báo cáo đến Sở Nội vụ."))
    if entry.outcome:  # submitted, or sent already
        return redirect("report_detail", entry.report.pk)
    if kept is not None:
        messages.warning(
            request,
            _(
                "Phiên đăng nhập đã hết khi bạn gửi biểu mẫu lúc %(time)s. Nội dung bạn đã nhập được giữ lại bên dưới, "
                "chưa lưu: hãy kiểm tra rồi bấm “Lưu nháp” hoặc “Gửi báo cáo”. Tệp đính kèm cần chọn lại."
            )
            % {"time": date_format(timezone.localtime(kept[1]), "H:i d/m/Y")},
        )
    for error in entry.errors:
        messages.error(request, error)
    context = entry.context() | {"session_seconds": settings.SESSION_IDLE_SECONDS}
    if entry.report is not None:  # its conversation, one query: the report's thread at the top, each task's on its card
        context["thread"] = conversation.thread(entry.report)
        context["thread"].attach(entry.sheet)
        context["comment_max_length"] = COMMENT_MAX_LENGTH
    return render(request, "reporting/report_form.html", context)


def _autosaved(entry):
    """The JSON an autosave gets: when it was saved and the report's new version (the page
    sends it with the next save), or why it was not, with the fields not kept."""
    problems = [{"task": p.task_id, "field": p.field, "message": str(p.message)} for p in entry.problems]
    if entry.saved:
        saved_at = date_format(timezone.localtime(entry.report.updated_at), "H:i")
        return JsonResponse({"saved_at": saved_at, "version": entry.report.version, "problems": problems})
    return JsonResponse({"error": " ".join(str(e) for e in entry.errors), "problems": problems}, status=409)


def _report_page(request, report, return_form=None, status=200):
    can_review = access.can_review(request.user, report.period)
    own = access.reporter_agencies(request.user).filter(pk=report.agency_id).exists()
    sheet = readers.report_sheet(request.user, report.agency, report.period, report)
    thread = conversation.thread(report)
    thread.attach(sheet)
    context = {
        "report": report,
        "sheet": sheet,
        "thread": thread,
        "may_comment": own or can_review,  # viewers read the conversation only
        "comment_max_length": COMMENT_MAX_LENGTH,
        "can_review": can_review,
        "can_edit": own and report.status in Report.EDITABLE,
        "return_form": return_form or ReturnForm(),
        "history": history.report_history(report, thread, sheet) if can_review else None,
        "on_time": workflow.is_on_time(report),
        "undo_form": UndoAcceptForm() if can_review and workflow.undo_block(report, request.user) is None else None,
    }
    return render(request, "reporting/report_detail.html", context, status=status)


def report_detail(request, pk):
    """A report read task by task; the coordinator accepts or returns it here."""
    return _report_page(request, access.get_report_for_user(request.user, pk))


def _seen_version(request):
    return given_id(request.POST.get("version"))


def _reviewable(request, pk):
    report = access.get_report_for_user(request.user, pk)
    if not access.can_review(request.user, report.period):
        raise Http404
    return report


@require_POST
def report_accept(request, pk):
    """Accept a report, after a confirmation page (the first POST shows it, the second accepts)."""
    report = _reviewable(request, pk)
    if request.POST.get("confirmed") != "1":
        context = {"period": report.period, "reports": [report], "single": report, "version": _seen_version(request)}
        return render(request, "reporting/accept_confirm.html", context)
    try:
        workflow.accept_report(report, request.user, _seen_version(request))
        messages.success(request, _("Đã tiếp nhận báo cáo của %(agency)s.") % {"agency": report.agency})
    except workflow.WorkflowError as error:
        messages.error(request, str(error))
    return redirect("review_queue", report.period_id)


@require_POST
def report_return(request, pk):
    report = _reviewable(request, pk)
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            workflow.return_report(report, request.user, form.cleaned_data["note"], _seen_version(request))
            messages.success(request, _("Đã trả lại báo cáo cho %(agency)s.") % {"agency": report.agency})
            return redirect("review_queue", report.period_id)
        except workflow.WorkflowError as error:
            messages.error(request, str(error))
    return _report_page(request, report, return_form=form, status=400)


@require_POST
def report_undo_accept(request, pk):
    """The coordinator who accepted a report takes it back, with a reason, while the period is open."""
    report = _reviewable(request, pk)
    form = UndoAcceptForm(request.POST)
    if form.is_valid():
        try:
            workflow.undo_accept(report, request.user, form.cleaned_data["reason"])
            messages.success(request, _("Đã hủy tiếp nhận báo cáo của %(agency)s.") % {"agency": report.agency})
        except workflow.WorkflowError as error:
            messages.error(request, str(error))
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("report_detail", report.pk)


# --- a report's conversation (reporting.conversation; who takes part: access.get_thread_for_user) ---


def _back(request, data, anchor):
    """Where a posted comment returns: the page it was written on (`next`: this site's only), at
    the thread (`anchor`, unless `next` names its own); "" when it names none."""
    target = (data or {}).get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return ""
    return target if "#" in target else target + anchor


def _chosen_task(data):
    """(task id, data with its `body`) when the report form's shared comment form sent it: each
    card's box is `body-<task>`, its button `task`; (None, data) otherwise."""
    task = given_id(data.get("task"))
    if task is None:
        return None, data
    chosen = data.copy()
    chosen["body"] = data.get(f"body-{task}", "")
    return task, chosen


def _thread_page(request, pk, task_pk=None):
    """One thread of a report, read and answered: the report's (task_pk None) or one task's.
    A comment posted from a report's page returns there (its `next`, at the thread); one refused
    comes back here, its text kept in the box with the reason beside it. A comment sent after the
    session ended is offered back here after the login (KeepPostedFormMiddleware)."""
    posted = request.method == "POST"
    kept = None if posted else take_kept_post(request)
    data = request.POST if posted else (kept[0] if kept else None)
    if data is not None and task_pk is None:
        task_pk, data = _chosen_task(data)
    place = access.get_thread_for_user(request.user, pk, task_pk, post=posted)
    if not place.may_post:
        kept = data = None
    if kept is not None:
        messages.warning(
            request, _("Phiên đăng nhập đã hết khi bạn gửi ý kiến. Nội dung được giữ lại bên dưới: hãy bấm “Gửi ý kiến”.")
        )
    anchor = f"#y-kien-{place.task.pk}" if place.task else "#y-kien"
    back = _back(request, data, anchor)
    form = conversation.CommentForm(data, initial={"next": back})
    if posted and form.is_valid():
        try:
            conversation.post_comment(place.report, place.task, request.user, form.cleaned_data["body"], place.agency)
        except ValidationError as error:
            form.add_error("body", error)
        else:
            messages.success(request, _("Đã gửi ý kiến."))
            return redirect(back or request.path + anchor)
    context = {
        "place": place,
        "comments": conversation.comments_on(place.report, place.task),
        "form": form,
        "anchor": anchor,
        # Its own address: a page answering the report form's shared comment form is at the report's.
        "action": reverse("task_thread", args=[pk, place.task.pk]) if place.task else reverse("report_thread", args=[pk]),
    }
    return render(request, "reporting/thread.html", context, status=400 if form.errors else 200)


def report_thread(request, pk):
    """The thread on a report as a whole, for whoever sees the report. The report form's task
    boxes post here as well, through one form: the button pressed names the task (_chosen_task)."""
    return _thread_page(request, pk)


def task_thread(request, pk, task_pk):
    """The thread on one task of a report: whoever sees the report, and the agencies that
    coordinate the task when the report's agency leads it (they see nothing else of the report)."""
    return _thread_page(request, pk, task_pk)


def coordinated_threads(request, period_pk, agency_pk, task_pk):
    """A coordinating agency's side of a task: its thread in each lead's report of the period,
    read and answered here, without the leads' answers."""
    agency = access.get_reporting_agency(request.user, agency_pk)
    period = get_object_or_404(
        access.visible_periods(request.user).select_related("plan", "plan__province"),
        pk=period_pk,
        plan__province=agency.province,
    )
    task = access.coordinated_task(agency, period, task_pk)
    reports = list(access.lead_reports(agency, period, task))
    threads = conversation.task_threads(reports, task)
    context = {
        "agency": agency,
        "period": period,
        "task": task,
        "threads": [(report, threads[report.pk], f"y-kien-r{report.pk}") for report in reports],
        "comment_max_length": COMMENT_MAX_LENGTH,
    }
    return render(request, "reporting/coordinated_threads.html", context)


def coordinator_inbox(request):
    """ "Việc cần làm": what needs the coordinator across the plans they run; each count links
    to the review queue filtered the same way."""
    if not plan_access.administers_or_coordinates(request.user):
        raise Http404
    everything = request.GET.get("tat-ca") == "1"  # the rows of each table past the first ones
    found = inbox.coordinator_inbox(request.user, province_id=request.GET.get("tinh"), everything=everything)
    return render(request, "reporting/inbox.html", {"inbox": found})


@require_POST
def bulk_accept(request, pk):
    """Accept the reports ticked in the queue: the first POST lists them for confirmation, the
    second (with the signed list) accepts them all or none."""
    period = access.get_period_for_user(request.user, pk, manage=True)
    if "token" in request.POST:
        try:
            versions = inbox.load_selection(request.POST["token"], period)
            accepted = workflow.accept_reports(period, versions, request.user)
        except signed_preview.InvalidPreview:
            messages.error(request, _("Danh sách báo cáo cần tiếp nhận không hợp lệ hoặc đã quá 1 giờ; hãy chọn lại."))
        except workflow.WorkflowError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Đã tiếp nhận %(count)s báo cáo.") % {"count": len(accepted)})
        return redirect("review_queue", period.pk)
    selection = inbox.accept_selection(request.user, period, inbox.chosen_ids(request.POST.getlist("agency")))
    if not selection.acceptable:
        messages.error(request, _("Trong các cơ quan đã chọn, không có báo cáo nào đang chờ tiếp nhận."))
        return redirect("review_queue", period.pk)
    context = {"period": period, "reports": selection.acceptable, "refused": selection.refused, "token": selection.token}
    return render(request, "reporting/accept_confirm.html", context)


@require_POST
def period_export_selected(request, pk):
    """The reports ticked in the queue, as sent, in one Excel file (sent reports only: a draft
    is the agency's own)."""
    period = access.get_period_for_user(request.user, pk, manage=True)
    chosen = inbox.chosen_ids(request.POST.getlist("agency"))
    reports = list(
        Report.objects.final()  # as sent: a returned report's answers are being edited again
        .filter(period=period, agency_id__in=chosen)
        .select_related("agency")
        .prefetch_related(
            Prefetch("progress", TaskProgress.objects.select_related("task").order_by("task__order"), to_attr="answers")
        )
        .order_by(vietnamese("agency__name"))
    )
    if not reports:
        messages.error(request, _("Trong các cơ quan đã chọn, chưa có báo cáo nào đã gửi để xuất."))
        return redirect("review_queue", period.pk)
    with translation.override("vi"):
        content = excel.selected_reports_workbook(period, reports)
    filename = f"bao-cao-da-chon-{filename_slug(period.plan.document_number)}-{filename_slug(period.label)}.xlsx"
    return attachment(content, filename, XLSX)


@require_POST
def period_remind(request, pk):
    """Remind the ticked agencies (or every one that has not sent) now, throttled as the daily reminders."""
    period = access.get_period_for_user(request.user, pk, manage=True)
    owing = agencies_owing(period.plan)
    if request.POST.get("all") != "1":
        owing = owing.filter(pk__in=inbox.chosen_ids(request.POST.getlist("agency")))
    run = reminders.remind_now(period, owing)
    count = len({agency.pk for agency, _period in run.reminded})
    messages.info(request, _("Đã nhắc %(count)s cơ quan qua e-mail.") % {"count": count})
    if run.skipped_recent:
        messages.warning(
            request,
            _("%(count)s cơ quan đã được nhắc trong %(days)s ngày qua nên chưa nhắc lại.")
            % {"count": run.skipped_recent, "days": reminders.EVERY_DAYS},
        )
    if run.without_address:
        names = ", ".join(agency.name for agency in run.without_address)
        messages.warning(request, _("Chưa có địa chỉ e-mail của báo cáo viên: %(names)s.") % {"names": names})
    return redirect("review_queue", period.pk)


def review_queue(request, pk):
    """Every agency that owes the period a report: who is on time, late or missing."""
    period = access.get_period_for_user(request.user, pk)
    if not access.can_see_review_queue(request.user, period):
        raise Http404
    queue = readers.review_queue(period, request.GET)
    can_manage = access.can_review(request.user, period)
    reopen_form = ReopenForm(agencies=agencies_owing(period.plan)) if can_manage else None
    return render(
        request,
        "reporting/review_queue.html",
        {
            "queue": queue,
            "period": period,
            "can_manage": can_manage,
            "reopen_form": reopen_form,
            "reminder_days": reminders.EVERY_DAYS,
        },
    )


@require_POST
def period_reopen(request, pk):
    period = access.get_period_for_user(request.user, pk, manage=True)
    form = ReopenForm(request.POST, agencies=agencies_owing(period.plan))
    if form.is_valid():
        try:
            workflow.reopen_for_agency(
                period, form.cleaned_data["agency"], request.user, form.cleaned_data["until"], form.cleaned_data["reason"]
            )
            messages.success(request, _("Đã mở lại kỳ báo cáo cho %(agency)s.") % {"agency": form.cleaned_data["agency"]})
        except workflow.WorkflowError as error:
            messages.error(request, str(error))
    else:
        messages.error(
            request, _("Chưa mở lại được: %(errors)s") % {"errors": " ".join(e for errs in form.errors.values() for e in errs)}
        )
    return redirect("review_queue", period.pk)


def plan_periods(request, plan_pk):
    """The plan's reporting calendar; the coordinator creates it in one step from the national rules."""
    plan = get_object_or_404(plan_access.managed_plans(request.user).select_related("province"), pk=plan_pk)
    form = GeneratePeriodsForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        created = create_periods(plan, form.cleaned_data["working_days"], form.cleaned_data["year_due_date"])
        messages.success(request, _("Đã tạo %(count)s kỳ báo cáo.") % {"count": len(created)})
        return redirect("plan_periods", plan.pk)
    sent = Count("reports", filter=Q(reports__status__in=Report.SENT))
    periods = plan.periods.annotate(submitted_count=sent).order_by("end", "-start")
    context = {"plan": plan, "periods": periods, "form": form, "history": history.periods_history(plan)}
    return render(request, "reporting/plan_periods.html", context)


def period_edit(request, pk):
    period = access.get_period_for_user(request.user, pk, manage=True)
    form = PeriodForm(request.POST or None, instance=period)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Đã lưu kỳ báo cáo %(period)s.") % {"period": period.label})
        return redirect("plan_periods", period.plan_id)
    return render(request, "reporting/period_form.html", {"period": period, "form": form})


def evidence_download(request, pk):
    """An evidence file, only for those who may see its report; never by a public URL."""
    evidence = get_object_or_404(access.visible_evidence(request.user), pk=pk)
    return FileResponse(
        evidence.file.open("rb"), as_attachment=True, filename=evidence.original_name, content_type=evidence.content_type
    )


def plan_dashboard(request, pk):
    """Is the plan on track? Targets against scores, task progress and who reports on time,
    for the province's coordinators and viewers; every figure links to the rows behind it."""
    plan = get_object_or_404(plan_access.followed_plans(request.user).select_related("province"), pk=pk)
    try:
        period = plan.periods.filter(pk=int(request.GET.get("period", ""))).first()
    except ValueError:
        period = None  # not a number: the current period
    state = progress.plan_progress(plan, period)
    filters = TaskFilterForm(
        request.GET,
        dimensions=[row.dimension for row in state.dimensions],
        agencies=[record.agency for record in state.records],
    )
    return render(
        request,
        "reporting/plan_dashboard.html",
        {
            "plan": plan,
            "progress": state,
            "filters": filters,
            "tasks": filters.apply(state.tasks),
            "scores_chart": charts.dimension_scores_chart(state),
            "tasks_chart": charts.task_status_chart(state),
            "can_manage": plan_access.managed_plans(request.user).filter(pk=plan.pk).exists(),
        },
    )


def national_overview(request):
    """Administrators: every province's current plan, sortable by completion and reporting."""
    if not plan_access.is_administrator(request.user):
        raise Http404
    sort = request.GET.get("sort", "province")
    rows = progress.national_overview(sort)
    columns = [
        ("province", _("Tỉnh, thành phố"), False),
        ("", _("Kế hoạch"), False),
        ("completion", _("Nhiệm vụ hoàn thành"), True),
        ("overdue", _("Quá hạn"), True),
        ("", _("Kỳ báo cáo hiện tại"), False),
        ("reporting", _("Tỷ lệ báo cáo"), True),
        ("on_time", _("Tỷ lệ đúng hạn"), True),
    ]
    return render(request, "reporting/national_overview.html", {"rows": rows, "sort": sort, "columns": columns})


def _compiled_filename(period, extension):
    name = filename_slug(f"bao-cao-tong-hop-{period.plan.document_number}-{period.label}")
    return f"{name}.{extension}"


def compiled_report(request, pk):
    """The compiled report of a period: the coordinator fills the number, date, signer and
    recipients, then downloads the official PDF; the Excel appendix needs none of them."""
    period = access.get_period_for_user(request.user, pk, manage=True)
    remembered = request.session.get(f"compiled-heading-{period.plan_id}", {})
    initial = {
        "number": "/BC-SNV",
        "issue_date": timezone.localdate(),
        "summary": _("Kết quả thực hiện Kế hoạch nâng cao Chỉ số PAPI %(period)s") % {"period": period.label},
        "signer_title": "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC",
        "recipients": "UBND tỉnh (b/c);\nCác sở, ban, ngành tỉnh;\nLưu: VT.",
        **{k: v for k, v in remembered.items() if k not in ("issue_date", "summary")},
    }
    form = CompiledReportForm(request.POST or None, initial=initial, plan=period.plan)
    if request.method == "POST" and form.is_valid():
        request.session[f"compiled-heading-{period.plan_id}"] = {
            k: v for k, v in form.cleaned_data.items() if k in ("number", "signer_title", "signer_name", "recipients")
        }
        report = compiled.compiled_report(period.plan, period)
        report.with_annex = form.cleaned_data["annex"]
        with translation.override("vi"):
            chart = charts.task_status_chart(report.progress)
        return attachment(pdf.compiled_pdf(report, form.heading(), chart), _compiled_filename(period, "pdf"), PDF)
    state = progress.plan_progress(period.plan, period)
    status = 400 if request.method == "POST" else 200
    return render(request, "reporting/compiled_report.html", {"period": period, "form": form, "progress": state}, status=status)


def compiled_excel(request, pk):
    """The compiled report's Excel appendix: tasks and results, statistics, difficulties."""
    period = access.get_period_for_user(request.user, pk, manage=True)
    with translation.override("vi"):
        content = excel.compiled_workbook(compiled.compiled_report(period.plan, period))
    return attachment(content, _compiled_filename(period, "xlsx"), XLSX)


@require_POST
def plan_year_export(request, pk):
    """Queue the export of a whole plan-year: every period's compiled appendix and the task list."""
    plan = get_object_or_404(access.exportable_plans(request.user), pk=pk)
    export = exports.request_export(request.user, Export.Kind.PLAN_YEAR, plan)
    return redirect("export_detail", export.pk)


@require_POST
def national_export(request):
    """Queue the national table for administrators."""
    if not access.may_export_national(request.user):
        raise Http404
    export = exports.request_export(request.user, Export.Kind.NATIONAL)
    return redirect("export_detail", export.pk)


def export_detail(request, pk):
    """The job's progress; the page reloads itself until the file is ready."""
    context = {"export": access.get_export_for_user(request.user, pk), "keep_days": settings.EXPORT_KEEP_DAYS}
    return render(request, "reporting/export_detail.html", context)


def export_download(request, pk):
    export = access.get_export_for_user(request.user, pk)
    if export.status != Export.Status.DONE or not export.file:
        raise Http404
    return FileResponse(export.file.open("rb"), as_attachment=True, filename=export.filename)


def report_pdf(request, pk):
    """The agency's report as a document to print, sign and send, for whoever may read it."""
    report = access.get_report_for_user(request.user, pk)
    form = AgencyPdfForm(request.GET)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("report_detail", report.pk)
    sheet = readers.report_sheet(request.user, report.agency, report.period, report)
    filename = f"bao-cao-{filename_slug(report.agency.name)}-{filename_slug(report.period.label)}.pdf"
    return attachment(pdf.agency_report_pdf(sheet, form.cleaned_data["so"]), filename, PDF)


# --- the report as an Excel file, for agencies that cannot use the form -------------------


def _own_report(request, period_pk, agency_pk):
    """(agency, period, report or None) for whoever may edit the agency's report, as the form
    decides it; anyone else gets a 404."""
    agency = access.get_reporting_agency(request.user, agency_pk)
    period = get_object_or_404(
        access.visible_periods(request.user).select_related("plan", "plan__province"),
        pk=period_pk,
        plan__province=agency.province,
    )
    return agency, period, Report.objects.filter(agency=agency, period=period).first()


def _sent_already(request, report):
    messages.error(
        request,
        _("Báo cáo đã gửi (%(status)s) nên không điền bằng tệp Excel được nữa.") % {"status": report.get_status_display()},
    )
    return redirect("report_detail", report.pk)


def report_excel(request, period_pk, agency_pk):
    """The agency's report as an Excel file to fill offline: its tasks and current answers."""
    agency, period, report = _own_report(request, period_pk, agency_pk)
    if report is not None and report.status not in Report.EDITABLE:
        return _sent_already(request, report)
    sheet = readers.report_sheet(request.user, agency, period, report)
    with translation.override("vi"):
        content = report_workbook.report_workbook(sheet, report)
    filename = f"bao-cao-{filename_slug(agency.name)}-{filename_slug(period.label)}.xlsx"
    return attachment(content, filename, XLSX)


def report_upload(request, period_pk, agency_pk):
    """The filled Excel file back: upload, read the preview of every changed cell, save all
    or nothing as a draft. The preview travels to the save step signed (signed_preview)."""
    agency, period, report = _own_report(request, period_pk, agency_pk)
    if report is not None and report.status not in Report.EDITABLE:
        return _sent_already(request, report)
    form, preview, status = report_workbook.UploadForm(), None, 200
    if request.method == "POST" and "payload" in request.POST:
        sheet = readers.report_sheet(request.user, agency, period, report)
        try:
            report, count = report_workbook.save(sheet, report, request.POST["payload"], request.user)
        except signed_preview.InvalidPreview:
            return signed_preview.refused()
        except report_workbook.AlreadySaved as done:
            messages.info(request, str(done))
            return redirect("report_form", period.pk, agency.pk)
        except workflow.WorkflowError as error:
            messages.error(request, str(error))
            status = 400
        else:
            messages.success(request, _("Đã lưu thay đổi của %(count)s nhiệm vụ từ tệp Excel.") % {"count": count})
            return redirect("report_form", period.pk, agency.pk)
    elif request.method == "POST":
        form = report_workbook.UploadForm(request.POST, request.FILES)
        if form.is_valid():
            sheet = readers.report_sheet(request.user, agency, period, report)
            try:
                preview = report_workbook.read_upload(sheet, report, form.cleaned_data["file"])
            except report_workbook.WorkbookRefused as error:
                form.add_error("file", str(error))
        if preview is None or preview.errors:
            status = 400
    context = {"agency": agency, "period": period, "report": report, "form": form, "preview": preview}
    return render(request, "reporting/report_upload.html", context, status=status)


def plan_next_year(request, pk):
    """ "Lập kế hoạch năm sau": GET shows what would be carried (reporting.next_year.prepare),
    POST makes the plan and opens it; the plan's managers only. A plan already carried opens
    the plan its first click made."""
    plan = get_object_or_404(plan_access.managed_plans(request.user).select_related("province__successor", "parent"), pk=pk)
    form = next_year.NextYearForm(
        request.POST if request.method == "POST" else None,
        initial={"document_number": next_year.default_document_number(plan, plan.last_year + 1)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            new, made = next_year.carry_over(
                plan,
                request.user,
                include_finished=form.cleaned_data["include_finished"],
                document_number=form.cleaned_data["document_number"],
            )
        except next_year.CarryOverError as error:
            form.add_error(None, str(error))
        else:
            if made:
                messages.success(
                    request,
                    _("Đã lập kế hoạch năm %(year)s (đang soạn): hãy điều chỉnh chỉ tiêu và nhiệm vụ.") % {"year": new.year},
                )
            else:
                messages.info(request, _("Kế hoạch năm sau của kế hoạch này đã được lập."))
            return redirect("plan_detail", new.pk)
    carry = next_year.prepare(plan)
    if carry.existing is not None:
        messages.info(request, _("Kế hoạch năm sau của kế hoạch này đã được lập."))
        return redirect("plan_detail", carry.existing.pk)
    context = {"plan": plan, "carry": carry, "form": form}
    return render(request, "plans/plan_next_year.html", context, status=400 if form.is_bound else 200)


def plan_progress_csv(request, pk):
    """The plan's progress as CSV (reporting.progress_csv), for whoever may see its progress: the
    dashboard's readers (plans.access.followed_plans). A published plan's public page has its own
    download of the same builder, checked by plans.access.public_plans (public.views.public_plan_csv)."""
    from .progress_csv import plan_progress_csv as as_csv  # beside the view: one block to move with it

    plan = get_object_or_404(plan_access.followed_plans(request.user).select_related("province"), pk=pk)
    content = as_csv(progress.plan_progress(plan))
    return attachment(content, f"tien-do-{filename_slug(plan.document_number)}-{plan.year}.csv", "text/csv; charset=utf-8")
