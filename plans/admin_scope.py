"""Admin pages scoped like the rest of the app: a coordinator sees and edits only
their province's rows; administrators see everything. Uses plans.access."""

from django.db import models

from indicators.models import Province

from . import access
from .models import Agency, AgencyGroup, Plan, Task


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
        if access.is_administrator(request.user):
            return True
        if not access.coordinated_province_ids(request.user).exists():
            return False
        if obj is None:
            return True
        # For inlines obj is the parent; check it through its own admin's scope instead.
        if not isinstance(obj, self.model):
            return True
        return self.get_queryset(request).filter(pk=obj.pk).exists()

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
        user = request.user
        if not access.is_administrator(user):
            scope = self._scope(user)
            related = db_field.related_model
            if related is Agency or related is AgencyGroup:
                kwargs["queryset"] = related.objects.filter(province__in=scope)
            elif related is Plan:
                kwargs["queryset"] = Plan.objects.filter(province__in=scope)
            elif related is Task:
                kwargs["queryset"] = Task.objects.filter(plan__province__in=scope)
            elif related is Province:
                kwargs["queryset"] = Province.objects.filter(pk__in=scope)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.related_model is Agency and not access.is_administrator(request.user):
            kwargs["queryset"] = Agency.objects.filter(province__in=self._scope(request.user))
        return super().formfield_for_manytomany(db_field, request, **kwargs)
