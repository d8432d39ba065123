"""Filters of the API's lists (django-filter): year, plan, period, dimension, agency. Every value
is an integer within bounds, so a wrong one answers 400 with the field's message, never a
database error."""

from django import forms
from django.db.models import Q
from django_filters import rest_framework as filters

from papi_tracker.limits import FIRST_PLAN_YEAR, LAST_PLAN_YEAR
from plans.models import Agency, AgencyGroup, TaskAssignment

MAX_ID = 2**31 - 1


class IntegerFilter(filters.NumberFilter):
    field_class = forms.IntegerField


def id_filter(field_name, help_text):
    return IntegerFilter(field_name=field_name, min_value=1, max_value=MAX_ID, label=help_text)


def year_filter(method, help_text):
    return IntegerFilter(method=method, min_value=FIRST_PLAN_YEAR, max_value=LAST_PLAN_YEAR, label=help_text)


def plan_year_condition(year, path=""):
    """The plans that cover `year`: a plan of one year its own, a plan of several each of them."""
    return Q(**{f"{path}year": year, f"{path}end_year__isnull": True}) | Q(
        **{f"{path}year__lte": year, f"{path}end_year__gte": year}
    )


def period_year_condition(year, path=""):
    """A period's year as its label writes it (ReportingPeriod.label): the plan's year, or for a
    plan of several years the year its cut-off ends in."""
    return Q(**{f"{path}plan__end_year__isnull": True, f"{path}plan__year": year}) | Q(
        **{f"{path}plan__end_year__isnull": False, f"{path}end__year": year}
    )


def _agency_tasks(agency_id):
    """Tasks assigned to the agency, by name or through a group it belongs to (the membership
    rule is AgencyGroupQuerySet.containing's)."""
    agency = Agency.objects.filter(pk=agency_id).only("pk", "province_id", "kind").first()
    if agency is None:
        return TaskAssignment.objects.none().values("task_id")
    groups = AgencyGroup.objects.containing(agency).values("pk")
    return TaskAssignment.objects.filter(Q(agency_id=agency_id) | Q(group__in=groups)).values("task_id")


class DimensionFilter(filters.FilterSet):
    year = year_filter("by_year", "Năm: các chỉ số nội dung của khung PAPI năm đó.")

    def by_year(self, queryset, name, value):
        return queryset.for_year(value)


class ScoreFilter(filters.FilterSet):
    year = IntegerFilter(field_name="year", min_value=FIRST_PLAN_YEAR, max_value=LAST_PLAN_YEAR, label="Năm khảo sát.")
    dimension = id_filter("dimension_id", "Chỉ số nội dung (id).")
    province = id_filter("province_id", "Tỉnh, thành phố (id).")
    total = filters.BooleanFilter(field_name="dimension", lookup_expr="isnull", label="true: chỉ tổng điểm.")


class PlanFilter(filters.FilterSet):
    year = year_filter("by_year", "Năm: các kế hoạch có năm đó (kế hoạch nhiều năm cũng tính).")

    def by_year(self, queryset, name, value):
        return queryset.filter(plan_year_condition(value))


class TargetFilter(filters.FilterSet):
    plan = id_filter("plan_id", "Kế hoạch (id).")
    dimension = id_filter("dimension_id", "Chỉ số nội dung (id).")
    year = year_filter("by_year", "Năm của chỉ tiêu (kế hoạch nhiều năm có chỉ tiêu từng năm).")

    def by_year(self, queryset, name, value):
        return queryset.filter(Q(year=value) | Q(year__isnull=True, plan__year=value))


class TaskFilter(filters.FilterSet):
    plan = id_filter("plan_id", "Kế hoạch (id).")
    dimension = id_filter("dimension_id", "Chỉ số nội dung (id).")
    agency = IntegerFilter(method="by_agency", min_value=1, max_value=MAX_ID, label="Cơ quan được giao (id), kể cả qua nhóm.")
    year = year_filter("by_year", "Năm: nhiệm vụ của các kế hoạch có năm đó.")

    def by_agency(self, queryset, name, value):
        return queryset.filter(pk__in=_agency_tasks(value))

    def by_year(self, queryset, name, value):
        return queryset.filter(plan_year_condition(value, "plan__"))


class PeriodFilter(filters.FilterSet):
    plan = id_filter("plan_id", "Kế hoạch (id).")
    year = year_filter("by_year", "Năm của kỳ báo cáo.")

    def by_year(self, queryset, name, value):
        return queryset.filter(period_year_condition(value))


class ReportFilter(filters.FilterSet):
    plan = id_filter("period__plan_id", "Kế hoạch (id).")
    period = id_filter("period_id", "Kỳ báo cáo (id).")
    agency = id_filter("agency_id", "Cơ quan (id).")
    year = year_filter("by_year", "Năm của kỳ báo cáo.")

    def by_year(self, queryset, name, value):
        return queryset.filter(period_year_condition(value, "period__"))


class TaskProgressFilter(filters.FilterSet):
    plan = id_filter("report__period__plan_id", "Kế hoạch (id).")
    period = id_filter("report__period_id", "Kỳ báo cáo (id).")
    agency = id_filter("report__agency_id", "Cơ quan báo cáo (id).")
    task = id_filter("task_id", "Nhiệm vụ (id).")
    dimension = id_filter("task__dimension_id", "Chỉ số nội dung của nhiệm vụ (id).")
    year = year_filter("by_year", "Năm của kỳ báo cáo.")

    def by_year(self, queryset, name, value):
        return queryset.filter(period_year_condition(value, "report__period__"))
