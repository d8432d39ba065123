from django.contrib import admin

from plans.admin_scope import ProvinceScopedMixin

from .models import Report, ReportingPeriod, TaskProgress


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(ProvinceScopedMixin, admin.ModelAdmin):
    province_path = "plan__province"
    list_display = ["__str__", "kind", "start", "end", "due_date", "status"]
    list_filter = ["kind", "status", ("plan", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["plan", "plan__province"]
    search_fields = ["plan__document_number", "plan__province__name"]


class ReadOnlyMixin:
    """Reports change only through the workflow (reporting/workflow.py), never in the admin."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TaskProgressInline(ReadOnlyMixin, ProvinceScopedMixin, admin.StackedInline):
    model = TaskProgress
    province_path = "report__period__plan__province"
    extra = 0
    fields = ["task", "status", "percent_done", "achieved_value", "narrative", "evidence"]


@admin.register(Report)
class ReportAdmin(ReadOnlyMixin, ProvinceScopedMixin, admin.ModelAdmin):
    province_path = "period__plan__province"
    list_display = ["agency", "period", "status", "submitted_at"]
    list_filter = ["status", ("period__plan", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["agency__name"]
    list_select_related = ["agency", "period", "period__plan", "period__plan__province"]
    inlines = [TaskProgressInline]
