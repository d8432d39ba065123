"""What agencies report each period, and what the department compiles from it."""

import datetime
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from papi_tracker.collation import vietnamese
from papi_tracker.limits import (
    COMMENT_MAX_LENGTH,
    MAX_GRACE_DAYS,
    REOPEN_REASON_MAX_LENGTH,
    REPORT_TEXT_MAX_LENGTH,
    REVIEW_NOTE_MAX_LENGTH,
    TASK_DIFFICULTIES_MAX_LENGTH,
    TASK_EVIDENCE_MAX_LENGTH,
    TASK_NARRATIVE_MAX_LENGTH,
)
from plans.models import Agency, Plan, Task, plan_date_errors


def _day(value):
    return value.strftime("%d/%m/%Y")


class ReportingPeriod(models.Model):
    """A reporting period of a plan (kỳ báo cáo), with its data cut-off window and due date."""

    class Kind(models.TextChoices):
        QUARTER = "quarter", _("Quý")
        HALF_YEAR = "half_year", _("6 tháng")
        NINE_MONTHS = "nine_months", _("9 tháng")
        YEAR = "year", _("Năm")

    class Status(models.TextChoices):
        OPEN = "open", _("Đang mở")
        LOCKED = "locked", _("Đã khóa")

    plan = models.ForeignKey(Plan, verbose_name=_("kế hoạch"), on_delete=models.CASCADE, related_name="periods")
    kind = models.CharField(_("loại kỳ"), max_length=12, choices=Kind)
    quarter = models.PositiveSmallIntegerField(
        _("quý"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    start = models.DateField(_("chốt số liệu từ ngày"))
    end = models.DateField(_("chốt số liệu đến ngày"))
    due_date = models.DateField(_("hạn gửi báo cáo"))
    # Empty: the period never closes by itself (DHIS2's "0 expiry days"); the coordinator
    # sets a grace to close it that many days after the due date.
    grace_days = models.PositiveSmallIntegerField(
        _("số ngày gia hạn"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_GRACE_DAYS, message=_("Gia hạn tối đa %(limit_value)s ngày."))],
        help_text=_("Quá hạn gửi cộng số ngày này, kỳ báo cáo không nhận báo cáo mới. Để trống: không tự khóa."),
    )
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status, default=Status.OPEN)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kỳ báo cáo")
        verbose_name_plural = pgettext_lazy("plural", "kỳ báo cáo")
        # Calendar order: a quarter before the half-year or year that ends with it (it starts later).
        ordering = ["plan_id", "end", "-start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="period_window_ordered"),
            models.CheckConstraint(condition=Q(due_date__gte=models.F("end")), name="period_due_after_cutoff"),
            models.CheckConstraint(
                condition=Q(grace_days__isnull=True) | Q(grace_days__lte=MAX_GRACE_DAYS), name="period_grace_bounded"
            ),
            models.CheckConstraint(
                # quarter IS NOT NULL is spelled out: a CHECK that evaluates to NULL passes.
                condition=Q(kind="quarter", quarter__isnull=False, quarter__gte=1, quarter__lte=4)
                | (~Q(kind="quarter") & Q(quarter__isnull=True)),
                name="period_quarter_matches_kind",
            ),
            models.UniqueConstraint(
                fields=["plan", "kind", "quarter"], condition=Q(kind="quarter"), name="period_unique_quarter"
            ),
            models.UniqueConstraint(fields=["plan", "kind"], condition=~Q(kind="quarter"), name="period_unique_kind"),
        ]

    def __str__(self):
        return f"{self.label} · {self.plan.province.name}"

    @property
    def label(self):
        # A plan of several years (2021–2025) has periods in each: the year is the period's own.
        year = self.end.year if self.plan.end_year else self.plan.year
        if self.kind == self.Kind.QUARTER:
            return _("Quý %(quarter)s/%(year)s") % {"quarter": self.quarter, "year": year}
        return f"{self.get_kind_display()} {year}"

    def clean(self):
        """Dates in the plan's years, in order (beside each field, in the admin and PeriodForm)."""
        errors = plan_date_errors(self.plan if self.plan_id else None, start=self.start, end=self.end, due_date=self.due_date)
        if "end" not in errors and self.start and self.end and self.end < self.start:
            errors["end"] = ValidationError(
                _("Ngày chốt số liệu cuối phải từ ngày đầu (%(start)s) trở đi."), params={"start": _day(self.start)}
            )
        if "due_date" not in errors and self.end and self.due_date and self.due_date < self.end:
            errors["due_date"] = ValidationError(
                _("Hạn gửi báo cáo phải từ ngày chốt số liệu (%(end)s) trở đi."), params={"end": _day(self.end)}
            )
        if errors:
            raise ValidationError(errors)

    @property
    def closes_on(self):
        """The last day a submission is taken (due date plus grace), or None if it never closes by itself.
        Never fails, even on a row written past the bounds clean() keeps: the last date there is."""
        if self.grace_days is None:
            return None
        try:
            return self.due_date + datetime.timedelta(days=self.grace_days)
        except OverflowError:
            return datetime.date.max


class PeriodReopening(models.Model):
    """A lock exception: one agency may still submit to a closed period until a date."""

    period = models.ForeignKey(ReportingPeriod, verbose_name=_("kỳ báo cáo"), on_delete=models.CASCADE, related_name="reopenings")
    agency = models.ForeignKey(Agency, verbose_name=_("cơ quan"), on_delete=models.CASCADE, related_name="reopenings")
    until = models.DateField(_("mở lại đến ngày"))
    reason = models.TextField(_("lý do"), max_length=REOPEN_REASON_MAX_LENGTH)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người mở lại"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("mở lại lúc"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("mở lại kỳ báo cáo")
        verbose_name_plural = pgettext_lazy("plural", "mở lại kỳ báo cáo")
        constraints = [models.UniqueConstraint(fields=["period", "agency"], name="reopening_one_per_agency")]

    def __str__(self):
        return f"{self.agency} · {self.period.label} → {self.until:%d/%m/%Y}"


class ReportQuerySet(models.QuerySet):
    def sent(self):
        return self.filter(status__in=Report.SENT)

    def final(self):
        return self.filter(status__in=Report.FINAL)

    def editable(self):
        return self.filter(status__in=Report.EDITABLE)


class Report(models.Model):
    """One agency's report for one period: draft → submitted → accepted, or returned."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Nháp")
        SUBMITTED = "submitted", _("Đã gửi")
        RETURNED = "returned", _("Trả lại để bổ sung")
        ACCEPTED = "accepted", _("Đã tiếp nhận")

    # The sets of statuses, spelled here only (with ReportQuerySet's methods of the same names):
    # sent to the department, whoever holds it now (the province's coordinators and viewers read it);
    SENT = (Status.SUBMITTED, Status.RETURNED, Status.ACCEPTED)
    # what other agencies may read and what the figures count: a returned report is being edited again;
    FINAL = (Status.SUBMITTED, Status.ACCEPTED)
    # what the agency still edits and sends.
    EDITABLE = (Status.DRAFT, Status.RETURNED)

    agency = models.ForeignKey(Agency, verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="reports")
    period = models.ForeignKey(ReportingPeriod, verbose_name=_("kỳ báo cáo"), on_delete=models.PROTECT, related_name="reports")
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status, default=Status.DRAFT)
    difficulties = models.TextField(_("khó khăn, vướng mắc"), max_length=REPORT_TEXT_MAX_LENGTH, blank=True)
    proposals = models.TextField(_("đề xuất, kiến nghị"), max_length=REPORT_TEXT_MAX_LENGTH, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người tạo"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người gửi"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    # Timeliness counts the first submission: a report returned and sent again stays on time.
    first_submitted_at = models.DateTimeField(_("gửi lần đầu lúc"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người xem xét"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("xem xét lúc"), null=True, blank=True)
    review_note = models.TextField(_("ý kiến của Sở Nội vụ"), max_length=REVIEW_NOTE_MAX_LENGTH, blank=True)
    # Raised by every save: a form posted with an older version was edited by someone else meanwhile.
    version = models.PositiveIntegerField(_("phiên bản"), default=0)

    objects = ReportQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("báo cáo")
        verbose_name_plural = pgettext_lazy("plural", "báo cáo")
        ordering = ["period", vietnamese("agency__name")]
        constraints = [
            models.UniqueConstraint(fields=["agency", "period"], name="report_one_per_agency_period"),
            models.CheckConstraint(
                condition=Q(status__in=["draft"]) | Q(submitted_at__isnull=False), name="report_submitted_has_time"
            ),
        ]
        indexes = [
            # Review queue: the reports of a period by status.
            models.Index(fields=["period", "status"], name="report_period_status"),
        ]

    def __str__(self):
        return f"{self.agency} · {self.period}"

    def clean(self):
        if self.agency_id and self.period_id and self.agency.province_id != self.period.plan.province_id:
            raise ValidationError(_("Cơ quan và kỳ báo cáo phải cùng một tỉnh."))


NEGATIVE_ACHIEVED_VALUE = _("Giá trị đạt được không được âm.")


class TaskProgressQuerySet(models.QuerySet):
    def final(self):
        """Answers of final reports (Report.FINAL): what colleagues read and the figures count."""
        return self.filter(report__status__in=Report.FINAL)


class TaskProgress(models.Model):
    """The progress of one task inside one report (kết quả thực hiện nhiệm vụ)."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Chưa thực hiện")
        IN_PROGRESS = "in_progress", _("Đang thực hiện")
        COMPLETED = "completed", _("Đã hoàn thành")

    report = models.ForeignKey(Report, verbose_name=_("báo cáo"), on_delete=models.CASCADE, related_name="progress")
    task = models.ForeignKey(Task, verbose_name=_("nhiệm vụ"), on_delete=models.PROTECT, related_name="progress")
    status = models.CharField(_("tình trạng"), max_length=12, choices=Status, blank=True)
    percent_done = models.PositiveSmallIntegerField(
        _("tỷ lệ hoàn thành (%)"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    achieved_value = models.DecimalField(
        _("giá trị đạt được"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0, message=NEGATIVE_ACHIEVED_VALUE)],
    )
    narrative = models.TextField(_("kết quả thực hiện"), max_length=TASK_NARRATIVE_MAX_LENGTH, blank=True)
    evidence = models.TextField(
        _("tài liệu kiểm chứng"),
        max_length=TASK_EVIDENCE_MAX_LENGTH,
        blank=True,
        help_text=_("Số, ký hiệu văn bản hoặc mô tả minh chứng."),
    )
    # Per task, so the department sees which tasks are stuck and why; the report's own
    # difficulties field holds what concerns the agency's work as a whole.
    difficulties = models.TextField(_("khó khăn, vướng mắc"), max_length=TASK_DIFFICULTIES_MAX_LENGTH, blank=True)
    # The answer was carried from the agency's answer of an earlier period and neither changed nor
    # confirmed since: the form marks it, and the report is not sent until it is looked at.
    carried_from = models.ForeignKey(
        ReportingPeriod,
        verbose_name=_("giữ từ kỳ"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The coordinating agencies' sent answers a lead agency took into its own (issue "one answer
    # per task"): the compiled report shows the lead's answer and names these in its annex.
    taken_in = models.ManyToManyField(
        "self", verbose_name=_("tiếp thu từ"), symmetrical=False, blank=True, related_name="taken_into"
    )

    objects = TaskProgressQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kết quả thực hiện nhiệm vụ")
        verbose_name_plural = pgettext_lazy("plural", "kết quả thực hiện nhiệm vụ")
        # By the report's id, not "report": that would follow Report's ordering and join the
        # period, plan, province and agency into every query of answers.
        ordering = ["report_id", "task__order", "task_id"]
        constraints = [
            models.UniqueConstraint(fields=["report", "task"], name="progress_one_per_task"),
            models.CheckConstraint(
                condition=Q(percent_done__isnull=True) | Q(percent_done__gte=0, percent_done__lte=100),
                name="progress_percent_0_100",
            ),
            models.CheckConstraint(
                condition=Q(achieved_value__isnull=True) | Q(achieved_value__gte=0), name="progress_achieved_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.report} · {self.task.number}"

    def clean(self):
        if self.report_id and self.task_id and self.task.plan_id != self.report.period.plan_id:
            raise ValidationError({"task": _("Nhiệm vụ không thuộc kế hoạch của kỳ báo cáo.")})
        if self.task_id:
            try:
                validate_achieved_value(self.task, self.achieved_value)
            except ValidationError as error:
                raise ValidationError({"achieved_value": error}) from None


def validate_achieved_value(task, value):
    """A value achieved against a percentage measure is at most 100 (never negative: see the
    field's validator and constraint). Per task, so the report form checks it for each of its
    rows (it knows their tasks), and TaskProgress.clean for any other writer that validates."""
    if value is not None and task.measures_percent and value > 100:
        raise ValidationError(_("Chỉ tiêu tính theo phần trăm: giá trị đạt được tối đa là 100."), code="max_value")


def evidence_path(instance, filename):
    # A random name: the original one is kept in the row, never trusted as a path.
    return f"evidence/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class EvidenceFile(models.Model):
    """A file attached to a task's progress; kept outside every public URL."""

    progress = models.ForeignKey(
        TaskProgress, verbose_name=_("kết quả thực hiện"), on_delete=models.CASCADE, related_name="files"
    )
    file = models.FileField(_("tệp"), upload_to=evidence_path, max_length=200)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    content_type = models.CharField(_("loại tệp"), max_length=100)
    size = models.PositiveIntegerField(_("dung lượng"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người tải lên"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tệp minh chứng")
        verbose_name_plural = pgettext_lazy("plural", "tệp minh chứng")
        ordering = ["progress_id", "uploaded_at", "id"]  # not "progress": see TaskProgress

    def __str__(self):
        return self.original_name


class ReminderLog(models.Model):
    """One reminder e-mail sent to an agency about a period, so it is not sent again too soon."""

    period = models.ForeignKey(ReportingPeriod, verbose_name=_("kỳ báo cáo"), on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey(Agency, verbose_name=_("cơ quan"), on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(_("gửi lúc"))

    class Meta:
        verbose_name = _("lần nhắc hạn")
        verbose_name_plural = pgettext_lazy("plural", "lần nhắc hạn")
        indexes = [models.Index(fields=["period", "agency", "sent_at"], name="reminder_recent")]

    def __str__(self):
        return f"{self.agency} · {self.period.label} · {self.sent_at:%d/%m/%Y}"


class ProgressSnapshot(models.Model):
    """A plan's row of the national view as computed on `day` at the plan's progress_version:
    kept so the view need not read every answer of every province at each request. A row
    whose version or day is not the plan's current one is never read (see
    reporting/figures.py)."""

    plan = models.OneToOneField(Plan, on_delete=models.CASCADE, primary_key=True, related_name="+")
    version = models.PositiveBigIntegerField()
    day = models.DateField()
    figures = models.JSONField()

    class Meta:
        verbose_name = _("số liệu tổng hợp lưu sẵn")
        verbose_name_plural = pgettext_lazy("plural", "số liệu tổng hợp lưu sẵn")

    def __str__(self):
        return f"{self.plan_id} · {self.day} · v{self.version}"


def export_path(instance, filename):
    return f"exports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class Export(models.Model):
    """A long export made in the background (Django's tasks framework), downloaded later by
    the user who asked for it. The file lives in private storage like evidence."""

    class Kind(models.TextChoices):
        PLAN_YEAR = "plan_year", _("Cả năm của kế hoạch (Excel)")
        NATIONAL = "national", _("Toàn quốc (Excel)")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Đang chờ")
        RUNNING = "running", _("Đang làm")
        DONE = "done", _("Xong")
        FAILED = "failed", _("Lỗi")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("loại"), max_length=12, choices=Kind)
    plan = models.ForeignKey(Plan, verbose_name=_("kế hoạch"), on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người yêu cầu"), on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("yêu cầu lúc"), auto_now_add=True)
    finished_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    file = models.FileField(_("tệp"), upload_to=export_path, max_length=200, blank=True)
    filename = models.CharField(_("tên tệp"), max_length=200, blank=True)
    error = models.TextField(_("lỗi"), blank=True)

    class Meta:
        verbose_name = _("tệp xuất")
        verbose_name_plural = pgettext_lazy("plural", "tệp xuất")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(kind="national") | Q(plan__isnull=False), name="export_plan_year_has_plan"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.created_at:%d/%m/%Y %H:%M}"


class Comment(models.Model):
    """One comment in a report's conversation (ý kiến trao đổi): on the report as a whole (no
    task), or on one of its tasks. Who reads and posts which thread is reporting.access's
    (`get_thread_for_user`); posting is reporting.conversation's (`post_comment`). Never edited:
    its history row records who posted it, beside the report's own history."""

    report = models.ForeignKey(Report, verbose_name=_("báo cáo"), on_delete=models.CASCADE, related_name="comments")
    task = models.ForeignKey(Task, verbose_name=_("nhiệm vụ"), on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người viết"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # The agency the author wrote for (the report's own, a coordinating agency, the Sở Nội vụ):
    # as it was when posted, so the thread reads the same after the author moves on.
    agency = models.ForeignKey(
        Agency, verbose_name=_("thay mặt cơ quan"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    body = models.TextField(_("nội dung"), max_length=COMMENT_MAX_LENGTH)
    created_at = models.DateTimeField(_("gửi lúc"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ý kiến trao đổi")
        verbose_name_plural = pgettext_lazy("plural", "ý kiến trao đổi")
        ordering = ["report_id", "created_at", "id"]  # not "report": see TaskProgress
        constraints = [models.CheckConstraint(condition=~Q(body=""), name="comment_not_empty")]
        indexes = [
            # The report's pages read its threads (report, task) in the order they were written.
            models.Index(fields=["report", "task", "created_at"], name="comment_thread"),
        ]

    def __str__(self):
        return f"{self.report_id} · {self.task_id or '—'} · {self.created_at:%d/%m/%Y %H:%M}"
