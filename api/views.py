"""The read-only API's endpoints. Thin: api.scope decides what the token reads (out of scope is a
404), the serializers what is written of it, the filters how a list narrows. Each list is a
page of a fixed number of queries: the token (and, at most once a minute, its last use), the
count, the page, and one prefetch where rows carry a list (a dimension's sub-dimensions, a
task's assignments)."""

from django.contrib.auth.decorators import login_not_required
from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets

from indicators.models import Dimension, Province, Score, SubDimension
from plans.models import Plan, Target, Task, TaskAssignment
from reporting.models import Report, ReportingPeriod, TaskProgress

from . import filters, scope, serializers


class ReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    """A list and a detail, for a token only. LoginRequiredMiddleware lets the API through
    (login_not_required): the token, not a session, authenticates it (api.authentication)."""

    lookup_value_regex = "[0-9]{1,18}"  # an id the database can hold: a longer one is a 404, not an overflow

    @classmethod
    def as_view(cls, *args, **kwargs):
        return login_not_required(super().as_view(*args, **kwargs))


ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="id")


def _described(name):
    return extend_schema_view(
        list=extend_schema(summary=f"Danh sách {name}"), retrieve=extend_schema(summary=f"Một {name}", parameters=[ID])
    )


@_described("tỉnh, thành phố")
class ProvinceViewSet(ReadOnlyViewSet):
    """The token's province and its former provinces (before 1/7/2025); every province for a
    token of all provinces. Exposes code, names, kind, validity and successor."""

    queryset = Province.objects.none()  # the model, for the schema; get_queryset scopes
    serializer_class = serializers.ProvinceSerializer

    def get_queryset(self):
        return scope.provinces(self.request.auth).order_by("pk")


@_described("chỉ số nội dung")
class DimensionViewSet(ReadOnlyViewSet):
    """The PAPI framework (national reference data): dimensions with their sub-dimensions, their
    names in both languages and the years they apply; `year` gives one year's framework."""

    queryset = Dimension.objects.none()  # the model, for the schema; get_queryset scopes
    serializer_class = serializers.DimensionSerializer
    filterset_class = filters.DimensionFilter

    def get_queryset(self):
        subs = SubDimension.objects.order_by("code")
        return scope.dimensions(self.request.auth).prefetch_related(Prefetch("sub_dimensions", queryset=subs)).order_by("number")


@_described("điểm PAPI")
class ScoreViewSet(ReadOnlyViewSet):
    """Published PAPI scores of the token's provinces: total (no dimension), per dimension and per
    sub-dimension, with rank and group."""

    queryset = Score.objects.none()  # the model, for the schema; get_queryset scopes
    serializer_class = serializers.ScoreSerializer
    filterset_class = filters.ScoreFilter

    def get_queryset(self):
        return scope.scores(self.request.auth).order_by("year", "province_id", "dimension_id", "sub_dimension_id", "pk")


@_described("kế hoạch")
class PlanViewSet(ReadOnlyViewSet):
    """Plans under way or closed (never drafts) of the token's provinces: as issued (number,
    date, issuer, years, baseline year) and their general goals. Not the signer's name."""

    queryset = Plan.objects.none()  # the model, for the schema; get_queryset scopes
    serializer_class = serializers.PlanSerializer
    filterset_class = filters.PlanFilter

    def get_queryset(self):
        return scope.plans(self.request.auth).select_related("issuing_agency").order_by("-year", "pk")


@_described("chỉ tiêu")
class TargetViewSet(ReadOnlyViewSet):
    """Plans' targets per dimension (or sub-dimension) and year: baseline, score with its
    comparator, group, rank, rise in rank, and the text as written."""

    queryset = Target.objects.none()  # the model, for the schema; get_queryset scopes
    serializer_class = serializers.TargetSerializer
    filterset_class = filters.TargetFilter

    def get_queryset(self):
        return scope.targets(self.request.auth).select_related("plan").order_by("plan_id", "year", "dimension_id", "pk")


@_described("nhiệm vụ")
class TaskViewSet(ReadOnlyViewSet):
    """Plans' tasks as issued (measure, timeframe, expected output) with their assignments:
    lead and coordinating agencies or groups. Not the supervising leader (a person's title or
    name)."""

    queryset = Task.objects.none()  # the model, for the schema; get_queryset scopes
    serializer_class = serializers.TaskSerializer
    filterset_class = filters.TaskFilter

    def get_queryset(self):
        assignments = TaskAssignment.objects.select_related("agency", "group").order_by("-role", "id")
        return (
            scope.tasks(self.request.auth)
            .prefetch_related(Prefetch("assignments", queryset=assignments))
            .order_by("plan_id", "order", "id")
        )


@_described("kỳ báo cáo")
class PeriodViewSet(ReadOnlyViewSet):
    """Reporting periods: kind, cut-off window, due date, grace, closing day and status."""

    queryset = ReportingPeriod.objects.none()  # the model, for the schema; get_queryset scopes
    serializer_class = serializers.PeriodSerializer
    filterset_class = filters.PeriodFilter

    def get_queryset(self):
        return scope.periods(self.request.auth).select_related("plan").order_by("plan_id", "end", "-start", "pk")


@_described("trạng thái báo cáo")
class ReportViewSet(ReadOnlyViewSet):
    """Agencies' reports once sent, status only: who (the agency), which period, status, when
    first sent, last sent and reviewed, and whether on time. Not the content, the department's
    note, or who sent or reviewed it. Drafts are not listed."""

    queryset = Report.objects.none()  # the model, for the schema; get_queryset scopes
    serializer_class = serializers.ReportSerializer
    filterset_class = filters.ReportFilter

    def get_queryset(self):
        return scope.reports(self.request.auth).select_related("period", "agency").order_by("period_id", "agency_id", "pk")


@_described("kết quả thực hiện nhiệm vụ")
class TaskProgressViewSet(ReadOnlyViewSet):
    """Agencies' answers on tasks in reports sent and not returned (submitted or accepted):
    status, percent done, value achieved and the result as written. Not the evidence (files or
    their description) nor the difficulties noted."""

    queryset = TaskProgress.objects.none()  # the model, for the schema; get_queryset scopes
    serializer_class = serializers.TaskProgressSerializer
    filterset_class = filters.TaskProgressFilter

    def get_queryset(self):
        return (
            scope.task_progress(self.request.auth)
            .select_related("report")
            .order_by("report__period_id", "report__agency_id", "task_id", "pk")
        )
