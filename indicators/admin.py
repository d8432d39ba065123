from django.contrib import admin
from django.db import models
from import_export.admin import ImportExportModelAdmin

from .models import Dimension, Province, Score, SubDimension
from .resources import DimensionResource, ProvinceResource, ScoreResource, SubDimensionResource


class ReferenceAdmin(ImportExportModelAdmin):
    """Reference data: administrators edit and import (Django's model permissions, which a
    superuser holds); whoever may use the admin at all may look things up.

    The admin lets in active staff only, and staff are the coordinators (accounts.services gives
    them the flag), so this asks that flag rather than plans' roles: indicators imports nothing
    of plans. The data is public anyway (any user reads a province's published scores)."""

    formfield_overrides = {models.DecimalField: {"localize": True}}

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_view_permission(self, request, obj=None):
        user = request.user
        return user.is_active and (user.is_superuser or user.is_staff)


@admin.register(Province)
class ProvinceAdmin(ReferenceAdmin):
    resource_classes = [ProvinceResource]
    list_display = ["name", "code", "kind", "valid_from", "valid_until", "successor"]
    list_filter = ["kind", "valid_until"]
    search_fields = ["name", "name_en", "code"]
    list_select_related = ["successor"]


class SubDimensionInline(admin.TabularInline):
    model = SubDimension
    extra = 0
    fields = ["code", "name_vi", "name_en", "since_year", "until_year", "verified"]


@admin.register(Dimension)
class DimensionAdmin(ReferenceAdmin):
    resource_classes = [DimensionResource]
    list_display = ["number", "name_vi", "name_en", "since_year", "until_year", "verified"]
    inlines = [SubDimensionInline]


@admin.register(SubDimension)
class SubDimensionAdmin(ReferenceAdmin):
    resource_classes = [SubDimensionResource]
    list_display = ["code", "name_vi", "name_en", "dimension", "since_year", "until_year", "verified"]
    list_filter = ["dimension", "verified"]
    search_fields = ["code", "name_vi", "name_en"]


@admin.register(Score)
class ScoreAdmin(ReferenceAdmin):
    """Exports only: published scores come in through the score import page (indicators.score_import),
    the one importer, which checks each year's framework and recomputes totals, ranks and groups."""

    resource_classes = [ScoreResource]
    list_display = ["province", "year", "dimension", "sub_dimension", "value", "rank", "group"]
    list_filter = ["year", "dimension", "group"]
    search_fields = ["province__name"]
    list_select_related = ["province", "dimension", "sub_dimension"]
    autocomplete_fields = ["province"]

    def has_import_permission(self, request):
        return False
