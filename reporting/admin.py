from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from plans import access as plan_access
from plans.admin_scope import LimitedCountPaginator, ProvinceScopedMixin, plan_filters

from . import access
from .models import (
    Comment,
    EvidenceFile,
    Export,
    PeriodReopening,
    ProgressSnapshot,
    ReminderLog,
    Report,
    ReportingPeriod,
    TaskProgress,
)


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(ProvinceScopedMixin, admin.ModelAdmin):
    province_path = "plan__province"
    list_display = ["__str__", "kind", "start", "end", "due_date", "status"]
    list_filter = ["kind", "status", *plan_filters("plan")]
    list_select_related = ["plan", "plan__province"]
    search_fields = ["plan__document_number", "plan__province__name"]
    autocomplete_fields = ["plan"]
    paginator = LimitedCountPaginator


class ReadOnlyMixin:
    """Reports change only through the workflow (reporting/workflow.py), never in the admin."""

    # What the admin lists of reports, answers and files is what reporting.access lets the user
    # see (a draft stays the agency's own), within the province scope of ProvinceScopedMixin.
    visible_path = None

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if self.visible_path is None:
            return queryset
        # Built once per request (its conditions take milliseconds to put together, and a change
        # page asks for its queryset three times, its inline's too).
        if "_admin_visible_reports" not in request.__dict__:
            request._admin_visible_reports = access.visible_reports(request.user)
        visible = request._admin_visible_reports
        if self.visible_path == "pk":
            # reporting.access's conditions in the list's own WHERE, not "id in (the visible
            # reports)": PostgreSQL built that subquery from every report of the country.
            return queryset & visible
        return queryset.filter(**{f"{self.visible_path}__in": visible})

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TaskProgressInline(ReadOnlyMixin, ProvinceScopedMixin, admin.StackedInline):
    model = TaskProgress
    visible_path = "report"
    province_path = "report__period__plan__province"
    extra = 0
    fields = ["task", "status", "percent_done", "achieved_value", "narrative", "evidence"]

    def get_queryset(self, request):
        # Each row is headed by its answer's name (report, agency, period, plan, province) and
        # names its task: read with the rows, not five queries a row.
        return super().get_queryset(request).select_related("task", "report__agency", "report__period__plan__province")


@admin.register(Report)
class ReportAdmin(ReadOnlyMixin, ProvinceScopedMixin, admin.ModelAdmin):
    province_path = "period__plan__province"
    visible_path = "pk"
    list_display = ["agency", "period", "status", "submitted_at"]
    list_filter = ["status", *plan_filters("period__plan")]
    search_fields = ["agency__name"]
    list_select_related = ["agency", "period", "period__plan", "period__plan__province"]
    paginator = LimitedCountPaginator
    inlines = [TaskProgressInline]


class ChosenPlanChangeList(ChangeList):
    """Lists nothing until a plan is chosen in the filter (`plan_parameter`): the country's
    answers are millions of rows, which no page can sort, search or count."""

    def get_queryset(self, request, exclude_parameters=None):
        queryset = super().get_queryset(request, exclude_parameters)
        return queryset if self.model_admin.plan_parameter in request.GET else queryset.none()


@admin.register(TaskProgress)
class TaskProgressAdmin(ReadOnlyMixin, ProvinceScopedMixin, admin.ModelAdmin):
    province_path = "report__period__plan__province"
    visible_path = "report"
    list_display = ["report", "task", "status", "percent_done"]
    list_filter = ["status", *plan_filters("report__period__plan")]
    plan_parameter = "report__period__plan__id__exact"
    search_fields = ["report__agency__name", "task__number", "narrative"]
    list_select_related = ["report__agency", "report__period__plan__province", "task"]
    # As reports list (period, then agency), then the plan's task order; the model orders by ids.
    ordering = ["report__period", "report__agency__name", "task__order", "task_id"]
    paginator = LimitedCountPaginator

    def get_changelist(self, request, **kwargs):
        return ChosenPlanChangeList

    def changelist_view(self, request, extra_context=None):
        if request.method == "GET" and self.plan_parameter not in request.GET:
            if plan_access.is_administrator(request.user):
                message = _("Chọn tỉnh rồi chọn kế hoạch trong bộ lọc để xem kết quả thực hiện.")
            else:
                message = _("Chọn kế hoạch trong bộ lọc để xem kết quả thực hiện.")
            self.message_user(request, message, messages.INFO)
        return super().changelist_view(request, extra_context)


@admin.register(PeriodReopening)
class PeriodReopeningAdmin(ReadOnlyMixin, ProvinceScopedMixin, admin.ModelAdmin):
    """Reopenings are made on the review queue page (reporting.workflow.reopen_for_agency)."""

    province_path = "period__plan__province"
    list_display = ["agency", "period", "until", "created_by", "created_at"]
    list_filter = plan_filters("period__plan")
    list_select_related = ["agency", "period__plan__province", "created_by"]
    paginator = LimitedCountPaginator


@admin.register(EvidenceFile)
class EvidenceFileAdmin(ReadOnlyMixin, ProvinceScopedMixin, admin.ModelAdmin):
    """No file URL here: files are served only through the permission-checked download view."""

    province_path = "progress__report__period__plan__province"
    visible_path = "progress__report"
    ordering = ["progress__report__period", "progress__report__agency__name", "progress__task__order", "uploaded_at", "id"]
    list_display = ["original_name", "download", "content_type", "size", "progress", "uploaded_by", "uploaded_at"]
    list_filter = plan_filters("progress__report__period__plan")
    paginator = LimitedCountPaginator
    fields = ["original_name", "download", "content_type", "size", "progress", "uploaded_by", "uploaded_at"]
    readonly_fields = fields
    list_select_related = [
        "progress__report__agency",
        "progress__report__period__plan__province",
        "progress__task",
        "uploaded_by",
    ]

    @admin.display(description=_("tải về"))
    def download(self, evidence):
        return format_html('<a href="{}">{}</a>', reverse("evidence_download", args=[evidence.pk]), evidence.original_name)


@admin.register(Comment)
class CommentAdmin(ReadOnlyMixin, ProvinceScopedMixin, admin.ModelAdmin):
    """Comments are posted on the report's page (reporting.conversation) and never edited."""

    province_path = "report__period__plan__province"
    visible_path = "report"
    list_display = ["report", "task", "agency", "author", "created_at"]
    list_filter = plan_filters("report__period__plan")
    list_select_related = ["report__agency", "report__period__plan__province", "task", "agency", "author"]
    paginator = LimitedCountPaginator


@admin.register(ReminderLog)
class ReminderLogAdmin(ReadOnlyMixin, ProvinceScopedMixin, admin.ModelAdmin):
    province_path = "period__plan__province"
    list_display = ["agency", "period", "sent_at"]
    list_filter = plan_filters("period__plan")
    list_select_related = ["agency", "period__plan__province"]
    paginator = LimitedCountPaginator


@admin.register(Export)
class ExportAdmin(admin.ModelAdmin):
    """Background exports, for administrators to see what ran and what failed; the files are
    downloaded by their requesters from the app, never from here."""

    list_display = ["__str__", "kind", "plan", "requested_by", "status", "progress", "finished_at"]
    list_filter = ["kind", "status"]
    list_select_related = ["plan", "plan__province", "requested_by"]
    readonly_fields = [f.name for f in Export._meta.fields if f.name != "file"]
    exclude = ["file"]

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return self.has_module_permission(request)


@admin.register(ProgressSnapshot)
class ProgressSnapshotAdmin(ExportAdmin):
    """The national view's stored figures, for administrators; deleting one only makes the view
    compute that plan's figures again."""

    list_display = ["plan", "day", "version"]
    list_filter = []
    list_select_related = ["plan", "plan__province"]
    readonly_fields = ["plan", "version", "day", "figures"]
    exclude = []
