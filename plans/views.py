import re

from django.contrib import messages
from django.core import signing
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import floatformat
from django.utils.text import slugify
from django.utils.translation import gettext as _

from indicators import score_import as score_import_rules
from indicators.charts import province_charts
from indicators.history import province_history
from indicators.models import Dimension, Province
from papi_tracker.downloads import PDF, XLSX, attachment
from papi_tracker.pdf import blank_date_line, render_pdf, vietnamese_date

from . import access, plan_import
from . import targets as target_rules
from .excel import plan_workbook, sections
from .forms import AgencyMappingForm, PlanImportForm, ScoreImportForm, TargetForm
from .models import Agency, AgencyGroup, Target, Task


def plan_detail(request, pk):
    plan = get_object_or_404(access.visible_plans(request.user).select_related("province"), pk=pk)
    targets = Target.objects.filter(plan=plan).select_related("dimension")
    tasks = Task.objects.filter(plan=plan).listed()
    sections = {}
    for task in tasks:
        sections.setdefault(task.dimension, []).append(task)
    # Reporting periods, for those who follow them: coordinators and viewers of the province.
    follows = access.followed_plans(request.user).filter(pk=plan.pk).exists()
    return render(
        request,
        "plans/plan_detail.html",
        {
            "plan": plan,
            "targets": targets,
            "sections": sections.items(),
            "task_count": len(tasks),
            "periods": plan.periods.order_by("end", "kind") if follows else [],
            "follows": follows,
            "can_manage": access.managed_plans(request.user).filter(pk=plan.pk).exists(),
        },
    )


def province_detail(request, code):
    """A province's published PAPI scores since 2011 beside the nation's median and best, with
    the targets of its plans the user may see. Published scores are public: any user reads them."""
    province = get_object_or_404(Province.objects.select_related("successor"), code=code)
    history = province_history(province)
    targets = {
        (t.plan.year, t.dimension_id): t
        for t in Target.objects.filter(plan__in=access.visible_plans(request.user), plan__province=province).select_related(
            "plan"
        )
    }
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
    return render(
        request,
        "plans/province_detail.html",
        {
            "province": province,
            "history": history,
            "rows": rows,
            "dimensions": [s.dimension for s in history.dimensions],
            "charts": province_charts(history, {key: t.target_score for key, t in targets.items() if t.target_score is not None})
            if rows
            else [],
        },
    )


IMPORT_SALT = "papi.score-import"


def score_import(request):
    """Published scores of a year: upload, read the preview with every row's errors, then save
    all or nothing. The checked rows travel to the confirm step signed, so any server can save them.
    Scores are national reference data (every province's rank follows them): administrators only."""
    if not access.may_import_scores(request.user):
        raise Http404
    form, preview, payload = ScoreImportForm(), None, ""
    if request.method == "POST" and "payload" in request.POST:
        try:
            raw = signing.loads(request.POST["payload"], salt=IMPORT_SALT, max_age=3600, serializer=signing.JSONSerializer)
        except signing.BadSignature:
            return HttpResponseBadRequest(_("Dữ liệu xem trước không hợp lệ hoặc đã quá 1 giờ; hãy tải tệp lên lại."))
        preview = score_import_rules.check([score_import_rules.ScoreRow(*fields) for fields in raw])
        try:
            new, changed = score_import_rules.save(preview)
        except score_import_rules.ImportFileError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Đã lưu %(new)s điểm mới, %(changed)s điểm thay đổi; xếp hạng và nhóm đã được tính lại.")
                             % {"new": new, "changed": changed})  # fmt: skip
            return redirect("score_import")
    elif request.method == "POST":
        form = ScoreImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                rows = score_import_rules.parse(upload.name, upload.read(), form.cleaned_data["year"])
            except score_import_rules.ImportFileError as error:
                form.add_error("file", str(error))
            else:
                preview = score_import_rules.check(rows)
                if not preview.errors:
                    fields = [[r.line, r.province_text, r.year, r.dimension_text, r.sub_text, r.value_text] for r in rows]
                    payload = signing.dumps(fields, salt=IMPORT_SALT, serializer=signing.JSONSerializer, compress=True)
    counts = {}
    if preview is not None:
        counts = {f"{state}_count": preview.count(state) for state in ("new", "changed", "unchanged")}
    return render(request, "plans/score_import.html", {"form": form, "preview": preview, "payload": payload, **counts})


def plan_targets(request, pk):
    """The coordinator sets each dimension's target beside the province's baseline and the
    nation's latest median and best; a target below the baseline is saved with a warning."""
    plan = get_object_or_404(access.managed_plans(request.user).select_related("province"), pk=pk)
    hints = target_rules.target_hints(plan)
    posted = request.method == "POST"
    rows = []
    for hint in hints:
        initial = {"target_score": hint.target.target_score, "target_group": hint.target.target_group} if hint.target else {}
        rows.append((hint, TargetForm(request.POST if posted else None, prefix=f"d{hint.dimension.pk}", initial=initial)))
    if posted:
        checked = [form.is_valid() for _hint, form in rows]  # every form checked, so each shows its errors
        valid = all(checked)
        for _hint, form in rows:
            # A missing field would read as "empty", which removes a target: refuse instead.
            if any(form.add_prefix(name) not in request.POST for name in form.fields):
                form.add_error(None, _("Thiếu dữ liệu của chỉ số này; hãy tải lại trang rồi nhập lại."))
                valid = False
        if valid:
            values = {h.dimension.pk: (f.cleaned_data["target_score"], f.cleaned_data["target_group"]) for h, f in rows}
            saved = target_rules.save_targets(plan, hints, values)
            messages.success(request, _("Đã lưu chỉ tiêu của kế hoạch."))
            for hint in saved:
                if hint.below_baseline:
                    messages.warning(
                        request,
                        _("%(dimension)s: điểm phấn đấu %(target)s thấp hơn điểm năm cơ sở %(baseline)s.")
                        % {
                            "dimension": hint.dimension.name,
                            "target": floatformat(hint.target.target_score, 2),
                            "baseline": floatformat(hint.baseline, 2),
                        },
                    )
            return redirect("plan_targets", plan.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "plans/plan_targets.html", {"plan": plan, "rows": rows}, status=status)


def plan_excel(request, pk):
    """The plan's task list in the DANH MỤC layout, for whoever may read the plan."""
    plan = get_object_or_404(access.visible_plans(request.user).select_related("province"), pk=pk)
    content = plan_workbook(plan, Task.objects.filter(plan=plan).listed())
    return attachment(content, f"{slugify(plan.document_number)}-danh-muc-nhiem-vu.xlsx", XLSX)


def plan_template(request):
    """A blank DANH MỤC to fill in and import."""
    return attachment(plan_workbook(None), "mau-danh-muc-nhiem-vu.xlsx", XLSX)


IMPORT_PLAN_SALT = "papi.plan-import"


def plan_task_import(request, pk):
    """Tasks from Excel into a plan: upload; map the agency names the province does not know;
    read the preview with every row's problems; save all or nothing. The parsed rows travel
    between the steps signed, so any server can take the next step."""
    plan = get_object_or_404(access.managed_plans(request.user).select_related("province"), pk=pk)
    names = plan_import.directory(plan.province)
    upload_form, rows, mapping_form, payload = PlanImportForm(), None, None, ""
    status = 200
    if request.method == "POST" and "payload" in request.POST:
        try:
            data = signing.loads(request.POST["payload"], salt=IMPORT_PLAN_SALT, max_age=3600, serializer=signing.JSONSerializer)
        except signing.BadSignature:
            return HttpResponseBadRequest(_("Dữ liệu xem trước không hợp lệ hoặc đã quá 1 giờ; hãy tải tệp lên lại."))
        rows = plan_import.from_payload(plan, data)
        if rows is None:  # a preview made for another plan
            return HttpResponseBadRequest(_("Dữ liệu xem trước không hợp lệ hoặc đã quá 1 giờ; hãy tải tệp lên lại."))
        if "save" in request.POST and plan_import.already_saved(plan, rows):
            return _saved_before(request, plan)
        payload = request.POST["payload"]
    elif request.method == "POST":
        upload_form = PlanImportForm(request.POST, request.FILES)
        if upload_form.is_valid():
            upload = upload_form.cleaned_data["file"]
            try:
                if upload.size > plan_import.MAX_BYTES:
                    raise plan_import.PlanImportError(_("Tệp lớn hơn 5 MB."))
                rows = plan_import.parse(upload.read(), plan)
            except plan_import.PlanImportError as error:
                upload_form.add_error("file", str(error))
            else:
                payload = signing.dumps(
                    plan_import.to_payload(plan, rows), salt=IMPORT_PLAN_SALT, serializer=signing.JSONSerializer, compress=True
                )
        if rows is None:
            status = 400
    if rows is not None:
        unknown = plan_import.unknown_names(rows, names)
        agencies = Agency.objects.filter(province=plan.province).order_by("name")
        groups = AgencyGroup.objects.filter(province=plan.province).order_by("name")
        bound = "payload" in request.POST and unknown
        mapping_form = AgencyMappingForm(request.POST if bound else None, names=unknown, agencies=agencies, groups=groups)
        mapping = mapping_form.mapping() if bound and mapping_form.is_valid() else {}
        plan_import.check(rows, names, mapping)
        blocked = any(row.errors for row in rows)  # the file itself must be corrected
        complete = not blocked and not any(row.unmapped for row in rows)
        if "save" in request.POST and complete:
            try:
                count = plan_import.save(plan, rows, mapping)
            except plan_import.PlanImportError as error:
                if plan_import.already_saved(plan, rows):
                    return _saved_before(request, plan)
                messages.error(request, str(error))
            else:
                messages.success(request, _("Đã thêm %(count)s nhiệm vụ vào kế hoạch.") % {"count": count})
                return redirect("plan_detail", plan.pk)
        if blocked or "save" in request.POST:
            status = 400
    context = {
        "plan": plan,
        "upload_form": upload_form,
        "rows": rows,
        "mapping_form": mapping_form,
        "payload": payload,
        "error_count": sum(1 for row in rows or [] if row.errors),
        "task_count": sum(1 for row in rows or [] if row.values),
        "complete": rows is not None and not any(row.errors or row.unmapped for row in rows),
        "dimensions": {d.pk: d for d in Dimension.objects.all()},
    }
    return render(request, "plans/plan_import.html", context, status=status)


def _saved_before(request, plan):
    """The same preview saved a second time (a double click on "Lưu"): it is in the plan once."""
    messages.info(request, _("Danh mục nhiệm vụ này đã được lưu vào kế hoạch; không thêm lần nữa."))
    return redirect("plan_detail", plan.pk)


def plan_pdf(request, pk):
    """The plan as an official document: targets, then the DANH MỤC of tasks in landscape."""
    plan = get_object_or_404(access.visible_plans(request.user).select_related("province"), pk=pk)
    issuer = plan.issuer or plan.province.committee
    heading = {
        "superior": "",
        "issuer": issuer.upper(),
        "number": plan.document_number,
        "place": plan.province.name,
        "date_line": vietnamese_date(plan.issue_date) if plan.issue_date else blank_date_line(plan.year),
        "doc_type": "KẾ HOẠCH",
        "summary": plan.title,
        "recipient_lines": ["Các sở, ban, ngành tỉnh;", "UBND các huyện, thị xã, thành phố;", "Lưu: VT."],
        "signer_lines": [line for line in re.split(r"\s*[/;\n]\s*", plan.signer_title) if line],
        "signer_name": plan.signer,
    }
    context = {
        "plan": plan,
        "targets": plan.targets.select_related("dimension"),
        "sections": sections(Task.objects.filter(plan=plan).listed()),
        "heading": heading,
    }
    return attachment(render_pdf("plans/plan_pdf.html", context), f"{slugify(plan.document_number)}-ke-hoach.pdf", PDF)
