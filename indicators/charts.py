"""The province page's charts, drawn from the same ProvinceHistory that fills its tables."""

from django.utils.translation import gettext as _

from papi_tracker.charts import chart, data_uri, decimal


def _quiet(value):
    return ""  # the nation's lines carry no printed values: only the province's are read off


def history_chart(history, series, title, targets=None, value_range=None, **options):
    """The province's score each year beside the nation's median and best; plan targets,
    when given ({year: score}), as unconnected marks."""
    points = series.points
    line = chart(
        "Line",
        title=title,
        value_formatter=decimal(2),
        allow_interruptions=True,
        x_label_rotation=0,
        range=value_range,
        colors=("#a3161a", "#5d6b7a", "#1f7a3d", "#0b5cad"),
        **options,
    )
    line.x_labels = [str(p.year) for p in points]

    def values(attribute):
        return [float(getattr(p, attribute)) if getattr(p, attribute) is not None else None for p in points]

    line.add(history.province.name, values("value"), dots_size=3.5)
    line.add(_("Trung vị toàn quốc"), values("median"), formatter=_quiet, stroke_style={"dasharray": "4, 3"})
    line.add(_("Cao nhất toàn quốc"), values("best"), formatter=_quiet, stroke_style={"dasharray": "2, 3"})
    if targets:
        marks = [float(targets[p.year]) if targets.get(p.year) is not None else None for p in points]
        if any(m is not None for m in marks):
            line.add(_("Mục tiêu kế hoạch"), marks, stroke=False, dots_size=6)
    return data_uri(line)


def province_charts(history, targets):
    """The total, then each dimension with any score: (title, data URI) pairs.
    `targets` maps (year, dimension id) to a target score."""
    charts = [
        (
            _("Tổng điểm PAPI"),
            history_chart(history, history.total, _("Tổng điểm PAPI"), height=460, legend_at_bottom_columns=4),
        )
    ]
    for series in history.dimensions:
        if not any(p.value is not None for p in series.points):
            continue
        name = f"{series.dimension.number}. {series.dimension.name}"
        dimension_targets = {
            year: score for (year, dimension_id), score in targets.items() if dimension_id == series.dimension.pk
        }
        charts.append(
            (
                name,
                history_chart(
                    history,
                    series,
                    name,
                    dimension_targets,
                    value_range=(1, 10),
                    width=600,
                    height=380,
                    legend_at_bottom_columns=2,
                ),
            )
        )
    return charts


def former_provinces_chart(history):
    """A unit formed on 1/7/2025 before its own scores: each former province's total, one line
    each, beside the nation's median and best, on the years any of them has."""
    years = sorted({p.year for former in history.former for p in former.total.points})
    line = chart(
        "Line",
        title=_("Tổng điểm PAPI của các tỉnh trước sắp xếp"),
        value_formatter=decimal(2),
        allow_interruptions=True,
        x_label_rotation=0,
        height=460,
        legend_at_bottom_columns=4,
        colors=("#a3161a", "#0b5cad", "#a15c00", "#6b4fa3", "#5d6b7a", "#1f7a3d"),
    )
    line.x_labels = [str(year) for year in years]
    for former in history.former:
        points = {p.year: p for p in former.total.points}
        line.add(former.province.name, [float(points[y].value) if y in points and points[y].value else None for y in years])
    national = {p.year: p for former in history.former for p in former.total.points}
    line.add(
        _("Trung vị toàn quốc"), [float(national[y].median) for y in years], formatter=_quiet, stroke_style={"dasharray": "4, 3"}
    )
    line.add(
        _("Cao nhất toàn quốc"), [float(national[y].best) for y in years], formatter=_quiet, stroke_style={"dasharray": "2, 3"}
    )
    return data_uri(line)
