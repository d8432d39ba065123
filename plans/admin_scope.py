"""Admin pages scoped like the rest of the app: a coordinator sees and edits only their
province's rows; administrators see everything. Uses plans.access."""

from django.core.exceptions import ValidationError
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from indicators.models import Province

from . import access


class ProvinceScopedMixin:
    """For ModelAdmin and inlines. `province_path` leads from the model to its Province."""

    province_path = "province"
    formfield_overrides = {models.DecimalField: {"localize": True}}  # "5,40" in Vietnamese

    def _scope(self, user):
        return access.coordinated_province_ids(user)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if access.is_administrator(request.user):
            return queryset
        return queryset.filter(**{f"{self.province_path}__in": self._scope(request.user)})

    def _allowed(self, request, obj=None):
        # The admin asks again for every inline row: remember the answers for the request.
        memo = request.__dict__.setdefault("_admin_allowed", {})
        key = (self.model, obj.pk if isinstance(obj, self.model) else None)
        if key not in memo:
            memo[key] = self._decide(request, obj)
        return memo[key]

    def _decide(self, request, obj):
        if access.is_administrator(request.user):
            return True
        if "_admin_coordinates" not in request.__dict__:
            request._admin_coordinates = access.coordinated_province_ids(request.user).exists()
        if not request._admin_coordinates:
            return False
        # For inlines obj is the parent; its own admin has checked it.
        if obj is None or not isinstance(obj, self.model):
            return True
        return self.get_queryset(request).filter(pk=obj.pk).exists()

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Django's admin redirects to its index with "does not exist" for an object outside the
        # queryset; out of scope is a 404 here as everywhere in the app (DEVELOPING.md).
        raise Http404

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_add_permission(self, request, obj=None):
        return self._allowed(request)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.related_model
        if not access.is_administrator(request.user):
            related_admin = self.admin_site._registry.get(related)
            if isinstance(related_admin, ProvinceScopedMixin):
                # The choices are what the related model's own admin shows this user.
                kwargs["queryset"] = related_admin.get_queryset(request)
            elif related is Province:
                kwargs["queryset"] = Province.objects.filter(pk__in=self._scope(request.user))
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        return _cached_choices(request, (self.model, db_field.name), field)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        related_admin = self.admin_site._registry.get(db_field.related_model)
        if not access.is_administrator(request.user) and isinstance(related_admin, ProvinceScopedMixin):
            kwargs["queryset"] = related_admin.get_queryset(request)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


def _cached_choices(request, key, field):
    """Evaluate a select's choices once per request: an inline of 60 rows would otherwise
    query them 60 times. Autocomplete widgets load their choices themselves."""
    if field is None or not hasattr(field, "queryset") or getattr(field.widget, "url_name", None):
        return field
    cache = request.__dict__.setdefault("_admin_choices", {})
    if key not in cache:
        cache[key] = list(field.choices)
    field.choices = cache[key]
    return field


class SameProvinceAssignmentFormSet(BaseInlineFormSet):
    """A task's agencies and groups belong to its plan's province, also while the task is
    being created (the model's clean cannot see the plan of a task not yet saved)."""

    def clean(self):
        super().clean()
        plan = getattr(self.instance, "plan", None) if self.instance.plan_id else None
        if plan is None:
            return
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            assignee = form.cleaned_data.get("agency") or form.cleaned_data.get("group")
            if assignee and assignee.province_id != plan.province_id:
                raise ValidationError(_("Cơ quan được phân công phải thuộc tỉnh của kế hoạch."))
