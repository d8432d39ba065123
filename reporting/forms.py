import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from papi_tracker.limits import (
    MAX_REOPEN_DAYS,
    REOPEN_REASON_MAX_LENGTH,
    REPORT_TEXT_MAX_LENGTH,
    REVIEW_NOTE_MAX_LENGTH,
    TASK_DIFFICULTIES_MAX_LENGTH,
    TASK_EVIDENCE_MAX_LENGTH,
    TASK_NARRATIVE_MAX_LENGTH,
    UNDO_REASON_MAX_LENGTH,
)
from plans.models import Agency, plan_date_errors

from .calendar import year_window
from .evidence import check_upload
from .models import NEGATIVE_ACHIEVED_VALUE, ReportingPeriod, TaskProgress, validate_achieved_value


def _check_plan_date(plan, day):
    """The date, or ValidationError beside the field when it lies outside the plan's years."""
    errors = plan_date_errors(plan, day=day)
    if errors:
        raise errors["day"]
    return day


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceFilesField(forms.FileField):
    """Several files at once, each checked by content."""

    widget = MultipleFileInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        uploads = data if isinstance(data, list | tuple) else ([data] if data else [])
        errors, accepted = [], []
        for upload in uploads:
            upload = super().clean(upload, initial)
            try:
                upload.content_type = check_upload(upload)
                accepted.append(upload)
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return accepted


TEXT_ANSWERS = {"status", "narrative", "evidence", "difficulties"}  # stored as "" when empty, not NULL


class TaskProgressForm(forms.Form):
    """One task's answer. Everything is optional here; submit_report checks completeness.
    `task` bounds the achieved value by the task's measure (kept on the form, not its shared fields)."""

    status = forms.ChoiceField(label=_("Tình trạng"), choices=[("", "—")] + list(TaskProgress.Status.choices), required=False)
    percent_done = forms.IntegerField(label=_("Tỷ lệ hoàn thành (%)"), min_value=0, max_value=100, required=False)
    achieved_value = forms.DecimalField(
        label=_("Giá trị đạt được"),
        max_digits=12,
        decimal_places=2,
        min_value=0,
        localize=True,
        required=False,
        error_messages={"min_value": NEGATIVE_ACHIEVED_VALUE},
    )
    narrative = forms.CharField(
        label=_("Kết quả thực hiện"),
        max_length=TASK_NARRATIVE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    evidence = forms.CharField(label=_("Văn bản, tài liệu kiểm chứng"), max_length=TASK_EVIDENCE_MAX_LENGTH, required=False)
    difficulties = forms.CharField(
        label=_("Khó khăn, vướng mắc (nếu có)"),
        max_length=TASK_DIFFICULTIES_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    files = EvidenceFilesField(label=_("Tệp minh chứng (PDF, Word, Excel, ảnh; tối đa 10 MB mỗi tệp)"))
    # For an answer carried from the previous period: the reporter looked and nothing changed.
    confirmed = forms.BooleanField(label=_("Xác nhận không đổi"), required=False)

    def __init__(self, *args, task=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.task = task

    def clean_achieved_value(self):
        value = self.cleaned_data["achieved_value"]
        if self.task is not None:
            validate_achieved_value(self.task, value)
        return value

    def progress_values(self, stored=None):
        """The answers to save. On a form with errors, the fields that are right, and for each
        field not kept the value saved before (`stored`: the TaskProgress, or None)."""
        data = self.cleaned_data
        values = {}
        for name in ("status", "percent_done", "achieved_value", "narrative", "evidence", "difficulties"):
            if name in data and name not in self.errors:
                values[name] = data[name].strip() if isinstance(data[name], str) else data[name]
            else:
                values[name] = getattr(stored, name) if stored is not None else ("" if name in TEXT_ANSWERS else None)
        return values


class SharedFields(dict):
    """A form class's fields, shared by its instances rather than deep-copied into each: for a
    form no instance changes (no per-instance choices, widgets or attributes), of which a page
    makes one per task."""

    def __deepcopy__(self, memo):
        return dict(self)


TaskProgressForm.base_fields = SharedFields(TaskProgressForm.base_fields)


class ReportForm(forms.Form):
    difficulties = forms.CharField(
        label=_("Khó khăn, vướng mắc"),
        max_length=REPORT_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    proposals = forms.CharField(
        label=_("Đề xuất, kiến nghị"),
        max_length=REPORT_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class ReturnForm(forms.Form):
    note = forms.CharField(
        label=_("Nội dung cần bổ sung, chỉnh sửa"),
        max_length=REVIEW_NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Khi trả lại báo cáo, cần ghi rõ nội dung cần bổ sung.")},
    )


class UndoAcceptForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do hủy tiếp nhận"),
        max_length=UNDO_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Cần ghi lý do hủy tiếp nhận.")},
    )


class ReopenForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("Cơ quan"), queryset=Agency.objects.none(), empty_label=_("— Chọn cơ quan —"))
    until = forms.DateField(label=_("Cho phép gửi đến ngày"))
    reason = forms.CharField(label=_("Lý do"), max_length=REOPEN_REASON_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies

    def clean_until(self):
        """From today, and not far: a late agency of a past year's plan may still be let in,
        so the bound is today's, not the plan's years."""
        until, today = self.cleaned_data["until"], timezone.localdate()
        if until < today:
            raise ValidationError(_("Ngày mở lại đến phải từ hôm nay trở đi."))
        if until > today + datetime.timedelta(days=MAX_REOPEN_DAYS):
            raise ValidationError(_("Mở lại tối đa %(days)s ngày kể từ hôm nay."), params={"days": MAX_REOPEN_DAYS})
        return until


class PeriodForm(forms.ModelForm):
    """The bounds and order of the dates are ReportingPeriod.clean's, shown beside each field."""

    class Meta:
        model = ReportingPeriod
        fields = ["start", "end", "due_date", "grace_days", "status"]


class GeneratePeriodsForm(forms.Form):
    working_days = forms.IntegerField(
        label=_("Hạn gửi: số ngày làm việc sau ngày chốt số liệu"), min_value=1, max_value=30, initial=2
    )
    year_due_date = forms.DateField(label=_("Hạn gửi báo cáo năm (nếu tỉnh quy định riêng)"), required=False)

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan

    def clean_year_due_date(self):
        """Checked as the year's period will be (ReportingPeriod.clean), before anything is created."""
        due = self.cleaned_data["year_due_date"]
        if due is None:
            return None
        window = year_window(self.plan.year)
        period = ReportingPeriod(plan=self.plan, kind=window.kind, start=window.start, end=window.end, due_date=due)
        try:
            period.clean()
        except ValidationError as error:
            raise ValidationError(error.message_dict["due_date"]) from None
        return due


class TaskFilterForm(forms.Form):
    """The dashboard's task list filters. Choices come from the page's own data, so the form
    costs no query; values outside them are ignored rather than failing the page."""

    STATUS_CHOICES = [
        ("", _("Tất cả")),
        ("overdue", _("Quá hạn")),
        ("difficulties", _("Có khó khăn, vướng mắc")),
        ("not_completed", _("Chưa hoàn thành")),
        ("completed", _("Đã hoàn thành")),
        ("in_progress", _("Đang thực hiện")),
        ("not_started", _("Chưa thực hiện")),
    ]
    GENERAL = "general"

    dimension = forms.ChoiceField(label=_("Chỉ số nội dung"), required=False)
    agency = forms.ChoiceField(label=_("Cơ quan"), required=False)
    status = forms.ChoiceField(label=_("Tình trạng"), choices=STATUS_CHOICES, required=False)

    def __init__(self, *args, dimensions, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dimension"].choices = [("", _("Tất cả"))] + [
            (str(d.pk) if d else self.GENERAL, f"{d.number}. {d.name}" if d else _("Chỉ đạo, điều hành chung"))
            for d in dimensions
        ]
        self.fields["agency"].choices = [("", _("Tất cả"))] + [(str(a.pk), a.name) for a in agencies]

    def apply(self, states):
        """The task states the filters keep; a filter with a value it does not know is ignored."""
        self.is_valid()
        dimension, agency, status = (self.cleaned_data.get(name) for name in ("dimension", "agency", "status"))
        if dimension == self.GENERAL:
            # General tasks, and any on a dimension outside the plan year's framework, as the table counts them.
            framework = {choice for choice, _ in self.fields["dimension"].choices}
            states = [s for s in states if str(s.task.dimension_id) not in framework]
        elif dimension:
            states = [s for s in states if str(s.task.dimension_id) == dimension]
        if agency:
            states = [s for s in states if int(agency) in s.agency_ids]
        if status == "overdue":
            states = [s for s in states if s.overdue]
        elif status == "difficulties":
            states = [s for s in states if s.difficulties]
        elif status == "not_completed":
            states = [s for s in states if s.status != TaskProgress.Status.COMPLETED]
        elif status:
            states = [s for s in states if s.status == status]
        return states


class AgencyPdfForm(forms.Form):
    """The number the agency's clerk gives its report before printing it (left blank, it is
    written by hand)."""

    so = forms.CharField(
        label=_("Số, ký hiệu báo cáo"),
        max_length=30,
        required=False,
        help_text=_("Không bắt buộc. Ví dụ: 12/BC-UBND"),
        validators=[
            RegexValidator(r"^[0-9A-Za-zĐđ/.\- ]*$", _("Số, ký hiệu chỉ gồm chữ, số và các dấu / - . (ví dụ: 12/BC-UBND)."))
        ],
    )


class CompiledReportForm(forms.Form):
    """What the coordinator writes on the compiled report before exporting it."""

    number = forms.CharField(label=_("Số, ký hiệu"), max_length=50, help_text=_("Ví dụ: 25/BC-SNV"))
    issue_date = forms.DateField(label=_("Ngày ban hành"))
    summary = forms.CharField(label=_("Trích yếu"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))
    signer_title = forms.CharField(
        label=_("Thẩm quyền, chức vụ người ký"),
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Mỗi dòng một dòng in, ví dụ: KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC."),
    )
    signer_name = forms.CharField(label=_("Họ và tên người ký"), max_length=100)
    recipients = forms.CharField(
        label=_("Nơi nhận"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Mỗi dòng một nơi nhận."),
    )
    annex = forms.BooleanField(
        label=_("Kèm phụ lục kết quả của các cơ quan phối hợp"),
        required=False,
        help_text=_(
            "Báo cáo ghi kết quả của cơ quan chủ trì cho mỗi nhiệm vụ; "
            "phụ lục này thêm nguyên văn kết quả của các cơ quan phối hợp."
        ),
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan

    def clean_issue_date(self):
        """In the plan's years, or up to today: a report on an old plan may be issued (again) late."""
        day = self.cleaned_data["issue_date"]
        if day <= timezone.localdate() and (self.plan.date_bounds() or (day,))[0] <= day:
            return day
        return _check_plan_date(self.plan, day)

    def heading(self):
        data = self.cleaned_data
        return {
            **data,
            "signer_lines": [line.strip() for line in data["signer_title"].splitlines() if line.strip()],
            "recipient_lines": [line.strip().lstrip("-").strip() for line in data["recipients"].splitlines() if line.strip()],
        }
