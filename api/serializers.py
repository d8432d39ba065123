"""What the API writes of each object. Fields are listed, never "__all__": no people (users,
signers), no internal notes (the department's review note, the report's difficulties and
proposals), no evidence (files or their descriptions)."""

from rest_framework import serializers

from indicators.models import Dimension, Province, Score, SubDimension
from plans.models import Plan, Target, Task, TaskAssignment
from reporting.models import Report, ReportingPeriod, TaskProgress
from reporting.workflow import is_on_time


class ProvinceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Province
        fields = ["id", "code", "name", "name_en", "kind", "valid_from", "valid_until", "successor"]


class SubDimensionSerializer(serializers.ModelSerializer):
    class Meta:
        model = SubDimension
        fields = ["id", "code", "name_vi", "name_en", "since_year", "until_year"]


class DimensionSerializer(serializers.ModelSerializer):
    sub_dimensions = SubDimensionSerializer(many=True, read_only=True)

    class Meta:
        model = Dimension
        fields = ["id", "code", "number", "name_vi", "name_en", "since_year", "until_year", "sub_dimensions"]


class ScoreSerializer(serializers.ModelSerializer):
    class Meta:
        model = Score
        fields = ["id", "province", "year", "dimension", "sub_dimension", "value", "rank", "group"]


class PlanSerializer(serializers.ModelSerializer):
    issuer = serializers.CharField(source="issuer_name", read_only=True, help_text="Cơ quan ban hành.")

    class Meta:
        model = Plan
        fields = [
            "id", "province", "year", "end_year", "baseline_year", "title", "document_number", "issue_date", "issuer",
            "issuer_kind", "issuing_agency", "coordinating_agency", "parent", "status", "goal", "rank_goal", "group_goal",
        ]  # fmt: skip


class TargetSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="for_year", read_only=True, help_text="Năm của chỉ tiêu.")

    class Meta:
        model = Target
        fields = [
            "id", "plan", "dimension", "sub_dimension", "year", "baseline_score", "comparator", "target_score",
            "target_group", "target_rank", "rank_rise", "text",
        ]  # fmt: skip


class NamedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class AssignmentSerializer(serializers.ModelSerializer):
    agency = NamedSerializer(allow_null=True, read_only=True, help_text="Cơ quan được giao (hoặc null khi giao cho nhóm).")
    group = NamedSerializer(allow_null=True, read_only=True, help_text="Nhóm cơ quan được giao, ví dụ “UBND cấp xã”.")

    class Meta:
        model = TaskAssignment
        fields = ["role", "agency", "group", "from_block"]


class TaskSerializer(serializers.ModelSerializer):
    assignments = AssignmentSerializer(many=True, read_only=True)

    class Meta:
        model = Task
        fields = [
            "id", "plan", "dimension", "sub_dimension", "number", "order", "title", "measure", "measure_value",
            "measure_unit", "measure_comparator", "timeframe_kind", "timeframe_text", "due_date", "expected_output",
            "assignments",
        ]  # fmt: skip


class PeriodSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)
    closes_on = serializers.DateField(read_only=True, allow_null=True)

    class Meta:
        model = ReportingPeriod
        fields = ["id", "plan", "kind", "quarter", "label", "start", "end", "due_date", "grace_days", "closes_on", "status"]


class ReportSerializer(serializers.ModelSerializer):
    plan = serializers.IntegerField(source="period.plan_id", read_only=True)
    agency = NamedSerializer(read_only=True)
    on_time = serializers.SerializerMethodField(help_text="Gửi lần đầu đúng hạn.")

    class Meta:
        model = Report
        fields = ["id", "plan", "period", "agency", "status", "first_submitted_at", "submitted_at", "reviewed_at", "on_time"]

    def get_on_time(self, report) -> bool:
        return is_on_time(report)


class TaskProgressSerializer(serializers.ModelSerializer):
    period = serializers.IntegerField(source="report.period_id", read_only=True)
    agency = serializers.IntegerField(source="report.agency_id", read_only=True)
    report_status = serializers.CharField(source="report.status", read_only=True)

    class Meta:
        model = TaskProgress
        fields = [
            "id",
            "report",
            "report_status",
            "period",
            "agency",
            "task",
            "status",
            "percent_done",
            "achieved_value",
            "narrative",
        ]
