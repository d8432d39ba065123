from urllib.parse import urlencode

from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from indicators.models import Province

from . import access
from .admin_scope import (
    LimitedCountPaginator,
    ProvinceListFilter,
    ProvinceScopedMixin,
    SameProvinceAssignmentFormSet,
    plan_filters,
)
from .models import Agency, AgencyGroup, Membership, Plan, PlanAmendment, Target, Task, TaskAssignment
from .reorganisation import reorganise


@admin.register(Agency)
class AgencyAdmin(ProvinceScopedMixin, admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "province", "is_coordinator"]
    list_filter = [("province", ProvinceListFilter), "kind", "is_coordinator"]
    search_fields = ["name", "short_name"]
    list_select_related = ["province"]
    actions = ["move_to_successor"]

    @admin.action(description=_("Chuyển cơ quan, tài khoản, nhóm của tỉnh cũ sang đơn vị sau sắp xếp 01/07/2025"))
    def move_to_successor(self, request, queryset):
        """For the provinces of the agencies chosen (the user's own, admin_scope): a former province
        moves onto its unit; a unit takes in all its former provinces. A dry run listed on a page,
        then the move once confirmed; plans.access.may_move_onto decides, at both steps."""
        chosen = Province.objects.filter(pk__in=queryset.values("province_id")).select_related("successor")
        former = set()
        for province in chosen:
            former |= {province} if province.successor_id else set(province.predecessors.all())
        units = sorted({province.successor for province in former}, key=lambda unit: unit.name)
        allowed = [unit for unit in units if access.may_move_onto(request.user, unit)]
        for unit in units:
            if unit not in allowed:
                message = _("%(unit)s đã có Sở Nội vụ điều phối: việc chuyển do Sở Nội vụ của %(unit)s hoặc quản trị viên làm.")
                self.message_user(request, message % {"unit": unit.name}, messages.WARNING)
        if not units:
            message = _("Các cơ quan đã chọn không thuộc tỉnh nào đã sắp xếp ngày 01/07/2025.")
            self.message_user(request, message, messages.WARNING)
        if not allowed:
            return None
        confirmed = request.POST.get("confirm") == "yes"
        results = [
            reorganise(unit, former=[p for p in former if p.successor_id == unit.pk], dry_run=not confirmed) for unit in allowed
        ]
        if confirmed:
            for result in results:
                self.message_user(
                    request,
                    _("Đã chuyển sang %(unit)s: %(count)s việc.") % {"unit": result.unit.name, "count": len(result.steps)},
                    messages.SUCCESS,
                )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Chuyển sang đơn vị sau sắp xếp"),
            "results": results,
            "queryset": queryset,
            "action": "move_to_successor",
            "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/plans/reorganise_confirm.html", context)


@admin.register(AgencyGroup)
class AgencyGroupAdmin(ProvinceScopedMixin, admin.ModelAdmin):
    list_display = ["name", "member_kind", "province"]
    list_filter = [("province", ProvinceListFilter), "member_kind"]
    search_fields = ["name"]
    filter_horizontal = ["members"]
    list_select_related = ["province"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    """Users and their roles are the administrators' (Django's own permissions)."""

    list_display = ["user", "agency", "role"]
    list_filter = ["role", ("agency__province", ProvinceListFilter)]
    search_fields = ["user__username", "user__first_name", "user__last_name", "agency__name"]
    autocomplete_fields = ["user", "agency"]
    list_select_related = ["user", "agency", "agency__province"]


class TargetInline(ProvinceScopedMixin, admin.TabularInline):
    model = Target
    province_path = "plan__province"
    extra = 0
    fields = [
        "year", "dimension", "sub_dimension", "baseline_score", "comparator", "target_score", "target_group",
        "target_rank", "rank_rise", "text",
    ]  # fmt: skip

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("dimension", "sub_dimension")  # each row's title names it


@admin.register(Plan)
class PlanAdmin(ProvinceScopedMixin, admin.ModelAdmin):
    list_display = ["document_number", "province", "year", "status", "issue_date"]
    list_filter = ["year", "status", ("province", ProvinceListFilter)]
    search_fields = ["document_number", "title"]
    list_select_related = ["province"]
    # The targets (a few per dimension and year) are edited here; the tasks, up to the largest
    # plan's, on their own list, which the plan page links to (`task_list`): 200 inline forms made
    # the page half a megabyte.
    inlines = [TargetInline]
    readonly_fields = ["task_list"]
    autocomplete_fields = ["issuing_agency", "coordinating_agency", "parent"]
    fieldsets = [
        (None, {"fields": ["province", "year", "end_year", "title", "status", "task_list"]}),
        (_("Văn bản"), {"fields": ["document_number", "issue_date", "issuer", "signer", "signer_title"]}),
        (
            _("Cấp ban hành"),
            {"fields": ["issuer_kind", "issuing_agency", "coordinating_agency", "parent"]},
        ),
        (_("Mục tiêu"), {"fields": ["baseline_year", "goal", "rank_goal", "group_goal"]}),
    ]

    def get_queryset(self, request):
        # A plan's name shows its province: the autocomplete, the plan choices of the other
        # pages (admin_scope) and the change page read it without a query per plan.
        return super().get_queryset(request).select_related("province")

    @admin.display(description=_("nhiệm vụ"))
    def task_list(self, plan):
        if plan.pk is None:
            return _("Lưu kế hoạch rồi thêm nhiệm vụ.")
        listed = reverse("admin:plans_task_changelist") + "?" + urlencode({"plan__id__exact": plan.pk})
        added = reverse("admin:plans_task_add") + "?" + urlencode({"plan": plan.pk})
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            listed,
            _("Xem %(count)s nhiệm vụ của kế hoạch") % {"count": plan.tasks.count()},
            added,
            _("Thêm nhiệm vụ"),
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "province" and field is not None:
            # Which units a year's plan is for (Plan.clean): the 34 from 2025, the 63 before.
            units = list(field.queryset)
            field.choices = [
                ("", "---------"),
                (_("Từ năm 2025: đơn vị sau sắp xếp 01/07/2025"), [(p.pk, p.name) for p in units if p.valid_for_plan_year(2025)]),
                (
                    _("Đến năm 2024: tỉnh, thành phố trước sắp xếp"),
                    [(p.pk, str(p)) for p in units if p.valid_for_plan_year(2024)],
                ),
            ]
        return field


@admin.register(PlanAmendment)
class PlanAmendmentAdmin(ProvinceScopedMixin, admin.ModelAdmin):
    province_path = "plan__province"
    list_display = ["number", "issued_on", "plan"]
    list_filter = plan_filters("plan")
    search_fields = ["number", "summary", "plan__document_number"]
    list_select_related = ["plan", "plan__province"]
    autocomplete_fields = ["plan"]
    exclude = ["created_by"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Target)
class TargetAdmin(ProvinceScopedMixin, admin.ModelAdmin):
    province_path = "plan__province"
    list_display = ["plan", "dimension", "baseline_score", "target_score", "target_group"]
    list_filter = [*plan_filters("plan"), "dimension", "target_group"]
    search_fields = ["plan__document_number", "dimension__name_vi"]
    list_select_related = ["plan", "plan__province", "dimension"]
    autocomplete_fields = ["plan"]
    paginator = LimitedCountPaginator


@admin.register(TaskAssignment)
class TaskAssignmentAdmin(ProvinceScopedMixin, admin.ModelAdmin):
    province_path = "task__plan__province"
    list_display = ["task", "role", "agency", "group"]
    list_filter = ["role", *plan_filters("task__plan")]
    search_fields = ["task__number", "task__title", "agency__name", "group__name"]
    list_select_related = ["task", "agency", "group"]
    autocomplete_fields = ["task", "agency", "group"]
    paginator = LimitedCountPaginator
    # By plan and task order in integer columns: the model's ordering follows the task's to the
    # plan's year and province name, a sort of the country's assignments joined to three tables.
    ordering = ["task__plan_id", "task__order", "task_id", "-role", "id"]

    def save_model(self, request, obj, form, change):
        obj.full_clean()  # the agency or group must belong to the task's province
        super().save_model(request, obj, form, change)


class TaskAssignmentInline(ProvinceScopedMixin, admin.TabularInline):
    model = TaskAssignment
    formset = SameProvinceAssignmentFormSet
    province_path = "task__plan__province"
    extra = 1
    autocomplete_fields = ["agency", "group"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("agency", "group")  # each row's title names it


@admin.register(Task)
class TaskAdmin(ProvinceScopedMixin, admin.ModelAdmin):
    province_path = "plan__province"
    list_display = ["number", "short_title", "plan", "dimension", "timeframe_kind", "due_date"]
    list_filter = [*plan_filters("plan"), "dimension", "timeframe_kind"]
    search_fields = ["number", "title", "measure", "expected_output"]
    list_select_related = ["plan", "plan__province", "dimension"]
    paginator = LimitedCountPaginator
    ordering = ["plan_id", "order", "id"]  # not "plan" (its year, then province name): see TaskAssignmentAdmin
    inlines = [TaskAssignmentInline]
    autocomplete_fields = ["plan"]
    fieldsets = [
        (None, {"fields": ["plan", "number", "order", "dimension", "sub_dimension", "title"]}),
        (pgettext_lazy("task measure", "Chỉ tiêu"), {"fields": ["measure", "measure_value", "measure_unit"]}),
        (
            _("Thời gian và kết quả"),
            {"fields": ["supervisor", "timeframe_kind", "timeframe_text", "due_date", "expected_output"]},
        ),
    ]

    @admin.display(description=_("nhiệm vụ"), ordering="title")
    def short_title(self, task):
        return task.title if len(task.title) <= 90 else task.title[:88] + "…"
