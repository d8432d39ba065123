"""The dashboard's charts, drawn from the same PlanProgress that fills its tables."""

from django.utils.translation import gettext as _

from papi_tracker.charts import bars_uri


def short_name(dimension):
    return f"{dimension.number}. {dimension.name}" if dimension else _("Chỉ đạo, điều hành chung")


def dimension_scores_chart(progress):
    """Baseline, target and published score of each dimension, side by side."""
    rows = [r for r in progress.dimensions if r.dimension is not None]
    series = [
        (_("Năm cơ sở %(year)s") % {"year": progress.plan.baseline_year}, [r.baseline for r in rows]),
        (_("Mục tiêu %(year)s") % {"year": progress.plan.year}, [r.target_score for r in rows]),
        (_("Kết quả %(year)s") % {"year": progress.plan.year}, [r.actual for r in rows]),
    ]
    # Pygal draws the first label at the bottom of a horizontal chart: reverse, to read top-down.
    return bars_uri(
        "HorizontalBar",
        _("Điểm theo chỉ số nội dung"),
        tuple(reversed([short_name(r.dimension) for r in rows])),
        tuple((title, tuple(float(v) if v is not None else None for v in reversed(values))) for title, values in series),
        "decimal2",
        height=90 + 70 * len(rows),
        value_range=(0, 10),
    )


def task_status_chart(progress):
    """Tasks of each dimension by status, stacked, with the count on each part."""
    rows = list(reversed([r for r in progress.dimensions if r.tasks.total]))
    return bars_uri(
        "HorizontalStackedBar",
        _("Tiến độ nhiệm vụ theo chỉ số nội dung"),
        tuple(short_name(r.dimension) for r in rows),
        (
            (_("Đã hoàn thành"), tuple(r.tasks.completed for r in rows)),
            (_("Đang thực hiện"), tuple(r.tasks.in_progress for r in rows)),
            (_("Chưa thực hiện"), tuple(r.tasks.not_started for r in rows)),
        ),
        "count",
        colors=("#1f7a3d", "#0b5cad", "#b7c2cd"),
        height=90 + 45 * len(rows),
    )
