"""The dashboard's charts, drawn from the same PlanProgress that fills its tables."""

from django.utils.translation import gettext as _

from papi_tracker.charts import chart, data_uri, decimal


def short_name(dimension):
    return f"{dimension.number}. {dimension.name}" if dimension else _("Chỉ đạo, điều hành chung")


def dimension_scores_chart(progress):
    """Baseline, target and published score of each dimension, side by side."""
    rows = [r for r in progress.dimensions if r.dimension is not None]
    bars = chart(
        "HorizontalBar",
        title=_("Điểm theo chỉ số nội dung"),
        value_formatter=decimal(2),
        range=(0, 10),
        height=90 + 70 * len(rows),
    )
    # Pygal draws the first label at the bottom of a horizontal chart: reverse, to read top-down.
    bars.x_labels = list(reversed([short_name(r.dimension) for r in rows]))
    series = [
        (_("Năm cơ sở %(year)s") % {"year": progress.plan.baseline_year}, [r.baseline for r in rows]),
        (_("Mục tiêu %(year)s") % {"year": progress.plan.year}, [r.target_score for r in rows]),
        (_("Kết quả %(year)s") % {"year": progress.plan.year}, [r.actual for r in rows]),
    ]
    for title, values in series:
        bars.add(title, [float(v) if v is not None else None for v in reversed(values)])
    return data_uri(bars)


def task_status_chart(progress):
    """Tasks of each dimension by status, stacked, with the count on each part."""
    rows = [r for r in progress.dimensions if r.tasks.total]
    bars = chart(
        "HorizontalStackedBar",
        title=_("Tiến độ nhiệm vụ theo chỉ số nội dung"),
        value_formatter=lambda v: str(int(v)) if v else "",
        colors=("#1f7a3d", "#0b5cad", "#b7c2cd"),
        height=90 + 45 * len(rows),
    )
    bars.x_labels = list(reversed([short_name(r.dimension) for r in rows]))
    bars.add(_("Đã hoàn thành"), [r.tasks.completed for r in reversed(rows)])
    bars.add(_("Đang thực hiện"), [r.tasks.in_progress for r in reversed(rows)])
    bars.add(_("Chưa thực hiện"), [r.tasks.not_started for r in reversed(rows)])
    return data_uri(bars)
