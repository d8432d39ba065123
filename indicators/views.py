"""PAPI's own pages: a province's published scores, and the import of a year's scores. What they
need of plans (who may import, which targets a user may see) comes through `indicators.hooks`."""

import threading
from collections import OrderedDict

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from papi_tracker import signed_preview

from . import hooks
from . import score_import as score_import_rules
from .charts import former_provinces_chart, province_charts
from .derived import derived_scores
from .forms import ScoreImportForm
from .history import province_history
from .models import Province
from .sub_dimensions import WEAKEST, sub_dimension_analysis, sub_dimension_years


def province_detail(request, code):
    """A province's published PAPI scores since 2011 beside the nation's median and best, with
    the targets of its plans the user may see, then where the score is lost: each dimension's
    sub-dimensions in one year (`?nam=`, the latest by default; indicators.sub_dimensions).
    Published scores are public: any user reads them."""
    province = get_object_or_404(Province.objects.select_related("successor"), code=code)
    history = province_history(province)
    targets = {(t.year or t.plan.year, t.dimension_id): t for t in hooks.visible_targets(request.user, province)}
    rows = []
    for index, year in enumerate(history.years):
        cells = []
        for series in history.dimensions:
            point = series.point(year)
            if point is not None:
                cells.append((series.dimension, point, targets.get((year, series.dimension.pk))))
            else:
                cells.append((series.dimension, None, None))
        rows.append({"year": year, "total": history.total.points[index], "cells": cells})
    former_rows, former_chart = [], None
    if not rows and history.former:  # a unit of 1/7/2025 before its own scores: its predecessors'
        former_rows, former_chart = _former_rows(history), _former_chart(history)
    latest = former_rows[-1]["year"] if former_rows else None
    former = [f.province for f in history.former]
    sub_years = sub_dimension_years([province, *former])
    sub_year = _year_asked(request.GET.get("nam"), sub_years)
    analysis = sub_dimension_analysis(province, sub_year, former=former) if sub_year else None
    return render(
        request,
        "indicators/province_detail.html",
        {
            "province": province,
            "history": history,
            "former_rows": former_rows,
            "former_chart": former_chart,
            # Without rows the unit has no published total of its own, that year included.
            "derived": derived_scores(province, latest, unpublished=True).get(None) if latest else None,
            "derived_year": latest,
            "rows": rows,
            "dimensions": [s.dimension for s in history.dimensions],
            "analysis": analysis,
            "sub_years": sub_years,
            "weakest_count": WEAKEST,
            "charts": province_charts(history, {key: t.target_score for key, t in targets.items() if t.target_score is not None})
            if rows
            else [],
        },
    )


_FORMER_CHARTS = OrderedDict()  # {what the chart shows: its data: URI}, the latest drawn kept
_FORMER_CHARTS_LOCK = threading.Lock()


def _former_chart(history):
    """former_provinces_chart, drawn once per process for the same figures in the same language
    (pygal takes tens of milliseconds a chart; published scores change once a year), as
    papi_tracker.charts.bars_uri keeps its bars. The key is all the chart reads: each former
    province's name and totals (year, value, the nation's median and best)."""
    key = (
        get_language(),
        tuple(
            (former.province.name, tuple((p.year, p.value, p.median, p.best) for p in former.total.points))
            for former in history.former
        ),
    )
    with _FORMER_CHARTS_LOCK:
        uri = _FORMER_CHARTS.pop(key, None)
    uri = uri or former_provinces_chart(history)
    with _FORMER_CHARTS_LOCK:
        _FORMER_CHARTS[key] = uri
        while len(_FORMER_CHARTS) > 64:  # 34 units, each in two languages
            _FORMER_CHARTS.popitem(last=False)
    return uri


def _year_asked(value, years):
    """The year of the sub-dimensions asked for ("?nam=2022") if it has some, else the latest."""
    try:
        year = int(value)
    except (TypeError, ValueError):
        year = None
    return year if year in years else (years[0] if years else None)


def _former_rows(history):
    """Each year any former province has a total: [{year, cells: [(former history, point)]}]."""
    years = sorted({p.year for former in history.former for p in former.total.points})
    return [{"year": year, "cells": [(former, former.total.point(year)) for former in history.former]} for year in years]


def score_import(request):
    """Published scores of a year: upload, read the preview with every row's errors, then save
    all or nothing. The checked rows travel to the confirm step signed (papi_tracker.signed_preview),
    so any server can save them. Scores are national reference data (every province's rank
    follows them): administrators only."""
    if not hooks.may_import_scores(request.user):
        raise Http404
    form, step = ScoreImportForm(), score_import_rules.Step()
    if request.method == "POST" and "payload" in request.POST:
        try:
            step = score_import_rules.confirm(request.POST["payload"])
        except signed_preview.InvalidPreview:
            return signed_preview.refused()
        if step.saved:
            new, changed = step.saved
            messages.success(request, _("Đã lưu %(new)s điểm mới, %(changed)s điểm thay đổi; xếp hạng và nhóm đã được tính lại.")
                             % {"new": new, "changed": changed})  # fmt: skip
            return redirect("score_import")
        messages.error(request, step.error)
    elif request.method == "POST":
        form = ScoreImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                step = score_import_rules.read_upload(upload.name, upload.read(), form.cleaned_data["year"])
            except score_import_rules.ImportFileError as error:
                form.add_error("file", str(error))
    context = {"form": form, "preview": step.preview, "payload": step.payload, **step.counts()}
    return render(request, "indicators/score_import.html", context)
