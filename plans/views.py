import re
from functools import partial

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.translation import gettext as _

from indicators.models import Dimension
from papi_tracker import signed_preview
from papi_tracker.collation import vietnamese
from papi_tracker.downloads import PDF, XLSX, attachment, filename_slug
from papi_tracker.pdf import blank_date_line, render_pdf, vietnamese_date

from . import access, agency_import, amendments, document_import, plan_import, publication, target_suggestions
from . import targets as target_rules
from .communes import communes_of, create_commune_committees, present_names
from .excel import plan_workbook, sections
from .forms import (
    AgencyImportForm,
    AgencyMappingForm,
    CommuneChoiceForm,
    PlanDocumentForm,
    PlanImportForm,
    SectionMappingForm,
    TargetForm,
)
from .history import plan_history, standing_on
from .models import Agency, AgencyGroup, AgencyKind, Target, Task
from .plan_import import normalise


def plan_detail(request, pk):
    """The plan: its data, amendments, targets and tasks by dimension, and the weakest
    sub-dimensions no task addresses; `?ngay=dd/mm/yyyy` shows it as it stood that day
    (plans/amendments.py), read only."""
    plan = get_object_or_404(
        access.visible_plans(request.user).select_related(
            "province", "issuing_agency", "coordinating_agency", "parent", "carried_from"
        ),
        pk=pk,
    )
    in_force, day_error = amendments.in_force(plan, request.GET)
    if day_error:
        messages.error(request, day_error)
    standing = standing_on(plan, in_force.day) if in_force.day else None
    if standing and standing.rebuilt:
        targets, tasks = standing.targets, standing.tasks
    else:
        targets = list(Target.objects.filter(plan=plan).select_related("dimension", "sub_dimension"))
        tasks = list(Task.objects.filter(plan=plan).listed())
    sections = {}
    for task in tasks:
        sections.setdefault(task.dimension, []).append(task)
    # One query: "Chuyển tiếp từ kế hoạch 2020" / "Kế hoạch năm sau: 2021", each when the user may
    # open it, and the plan itself with whether the user follows it (reporting periods: coordinators
    # and viewers of the province) and manages it.
    linked = access.visible_plans(request.user).filter(Q(carried_from=plan) | Q(pk=plan.carried_from_id) | Q(pk=plan.pk))
    linked = linked.annotate(
        follows=Exists(access.followed_plans(request.user).filter(pk=OuterRef("pk"))),
        manages=Exists(access.managed_plans(request.user).filter(pk=OuterRef("pk"))),
    )
    linked = {p.pk: p for p in linked.only("pk", "year", "end_year", "carried_from_id").order_by()}
    follows, can_manage = linked[plan.pk].follows, linked[plan.pk].manages
    next_plan = next((p for p in linked.values() if p.carried_from_id == plan.pk), None)
    analysis, gaps = target_suggestions.weakest_unaddressed(plan, tasks)
    can_edit = can_manage and not (standing and standing.rebuilt)  # a past day's page is read only
    return render(
        request,
        "plans/plan_detail.html",
        {
            "plan": plan,
            "targets": targets,
            "ranked": any(t.rank_label for t in targets),  # a rank column only for plans that aim at one
            "sections": sections.items(),
            "task_count": len(tasks),
            "periods": plan.periods.order_by("end", "-start") if follows else [],  # calendar order: Quý 2 before 6 tháng
            "follows": follows,
            "can_manage": can_manage,
            "can_edit": can_edit,
            "previous_plan": linked.get(plan.carried_from_id),
            "next_plan": next_plan,
            "in_force": in_force,
            "standing": standing,
            "analysis": analysis,
            "gaps": gaps,
            "amendment_form": amendments.AmendmentForm(plan=plan, user=request.user) if can_edit else None,
            "history": plan_history(plan) if can_manage else None,  # who changed what, for those who may
        },
    )


def plan_amendment_add(request, pk):
    """Record a decision that amends the plan: its managers (plans.access.managed_plans)."""
    plan = get_object_or_404(access.managed_plans(request.user).select_related("province"), pk=pk)
    form = amendments.AmendmentForm(request.POST if request.method == "POST" else None, plan=plan, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            try:
                with transaction.atomic():
                    amendment = form.save()
            except IntegrityError:  # a second click, while the first was saving the same number
                messages.info(request, _("Đã ghi văn bản sửa đổi %(number)s.") % {"number": form.cleaned_data["number"]})
                return redirect("plan_detail", plan.pk)
            messages.success(request, _("Đã ghi văn bản sửa đổi %(number)s.") % {"number": amendment.number})
            return redirect("plan_detail", plan.pk)
        status = 400
    else:
        status = 200
    return render(request, "plans/plan_amendment.html", {"plan": plan, "form": form}, status=status)


def plan_targets(request, pk):
    """The coordinator sets each dimension's target beside the province's baseline and the
    nation's latest median and best, with a suggested target and its reasoning, and the weakest
    sub-dimensions no task addresses (plans.target_suggestions); a target below the baseline is
    saved with a warning."""
    plan = get_object_or_404(access.managed_plans(request.user).select_related("province"), pk=pk)
    year = target_rules.year_asked(plan, request.GET.get("nam"))  # a plan of several years: one year at a time
    hints = target_rules.target_hints(plan, year)
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
            saved = target_rules.save_targets(plan, hints, values, year)
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
            target_page = reverse("plan_targets", args=[plan.pk])
            return redirect(f"{target_page}?nam={year}" if plan.end_year else target_page)
    status = 400 if request.method == "POST" else 200
    # Suggestions beside the fields (never in them) and the weakest sub-dimensions no task addresses.
    advice = target_suggestions.target_advice(plan, hints, year)
    context = {"plan": plan, "rows": rows, "year": year, "advice": advice}
    context["suggested_rows"] = [(hint, form, advice.suggestions[hint.dimension.pk]) for hint, form in rows]
    return render(request, "plans/plan_targets.html", context, status=status)


def plan_excel(request, pk):
    """The plan's task list in the DANH MỤC layout, for whoever may read the plan."""
    plan = get_object_or_404(access.visible_plans(request.user).select_related("province"), pk=pk)
    content = plan_workbook(plan, Task.objects.filter(plan=plan).listed())
    return attachment(content, f"{filename_slug(plan.document_number)}-danh-muc-nhiem-vu.xlsx", XLSX)


def plan_template(request):
    """A blank DANH MỤC to fill in and import."""
    return attachment(plan_workbook(None), "mau-danh-muc-nhiem-vu.xlsx", XLSX)


def plan_task_import(request, pk):
    """Tasks from Excel into a plan: upload; map the agency names the province does not know;
    read the preview with every row's problems; save all or nothing. The parsed rows travel
    between the steps signed (papi_tracker.signed_preview), so any server can take the next step."""
    plan = get_object_or_404(access.managed_plans(request.user).select_related("province"), pk=pk)
    upload_form, rows, payload = PlanImportForm(), None, ""
    if request.method == "POST" and "payload" in request.POST:
        try:
            rows = plan_import.load_preview(plan, request.POST["payload"])
        except signed_preview.InvalidPreview:
            return signed_preview.refused()
        if "save" in request.POST and plan_import.already_saved(plan, rows):
            return _saved_before(request, plan)
        payload = request.POST["payload"]
    elif request.method == "POST":
        upload_form = PlanImportForm(request.POST, request.FILES)
        if upload_form.is_valid():
            try:
                rows, payload = plan_import.read_upload(plan, upload_form.cleaned_data["file"])
            except plan_import.PlanImportError as error:
                upload_form.add_error("file", str(error))
    context = {
        "plan": plan,
        "upload_form": upload_form,
        "document_form": PlanDocumentForm(),
        "payload": payload,
        "dimensions": {d.pk: d for d in Dimension.objects.all()},
    }
    return _import_step(request, plan, context, rows)


def _import_step(request, plan, context, rows, may_save=True, after=None):
    """What both task imports (Excel, document) do once the rows are read, or failed to be: the
    upload page again, or the rows checked against the province's names and the coordinator's
    mapping, saved when asked and nothing is left to do, else the preview with what is left."""
    if rows is None:
        status = 400 if request.method == "POST" else 200
        context |= {"rows": None, "mapping_form": None, "error_count": 0, "task_count": 0, "complete": False}
        return render(request, "plans/plan_import.html", context, status=status)
    names = plan_import.directory(plan.province)
    mapping_form = _mapping_form(request, plan, plan_import.unknown_names(rows, names))
    mapping = mapping_form.mapping() if mapping_form.is_bound and mapping_form.is_valid() else {}
    saving = "save" in request.POST and may_save
    result = plan_import.review(plan, rows, names, mapping, saving, after=after, province_wide=_province_wide(request, plan))
    if result.saved_before:
        return _saved_before(request, plan)
    if result.added is not None:
        messages.success(request, _("Đã thêm %(count)s nhiệm vụ vào kế hoạch.") % {"count": result.added})
        return redirect("plan_detail", plan.pk)
    if result.error:
        messages.error(request, result.error)
    context |= {"rows": rows, "mapping_form": mapping_form, "error_count": result.error_count}
    context |= {"task_count": result.task_count, "complete": result.complete and may_save}
    status = 400 if result.blocked or "save" in request.POST else 200
    return render(request, "plans/plan_import.html", context, status=status)


def plan_document_import(request, pk):
    """Tasks from the plan as issued (Word, PDF or pasted text) into the plan, through the same
    preview as the Excel import, with two more things to check: what the document says of the
    plan (its data and targets, saved where the plan has none yet) and the headings that name no
    PAPI dimension, which the coordinator maps (never turned into tasks)."""
    plan = get_object_or_404(access.managed_plans(request.user).select_related("province"), pk=pk)
    document_form, rows, preview, payload = PlanDocumentForm(), None, None, ""
    if request.method == "POST" and "payload" in request.POST:
        try:
            rows, preview = document_import.load_document_preview(plan, request.POST["payload"])
        except signed_preview.InvalidPreview:
            return signed_preview.refused()
        if "save" in request.POST and plan_import.already_saved(plan, rows):
            return _saved_before(request, plan)
        payload = request.POST["payload"]
    elif request.method == "POST":
        document_form = PlanDocumentForm(request.POST, request.FILES)
        if document_form.is_valid():
            try:
                rows, preview, payload = document_import.read_document(
                    plan, document_form.cleaned_data["document"], document_form.cleaned_data["text"]
                )
            except plan_import.PlanImportError as error:
                document_form.add_error(None, str(error))
    context = {
        "plan": plan,
        "upload_form": PlanImportForm(),
        "document_form": document_form,
        "payload": payload,
        "dimensions": {d.pk: d for d in Dimension.objects.all()},
        "from_document": True,
    }
    if rows is None:
        return _import_step(request, plan, context, None)
    section_form = SectionMappingForm(
        request.POST if "payload" in request.POST and preview.headings else None,
        headings=preview.headings,
        dimensions=Dimension.objects.for_year(plan.year).order_by("number"),
    )
    sections = section_form.sections() if section_form.is_bound and section_form.is_valid() else {}
    waiting = document_import.apply_sections(rows, preview.headings, sections)
    context |= {"section_form": section_form, "document": preview, "waiting": waiting}
    after = partial(document_import.apply_document, document=preview)
    return _import_step(request, plan, context, rows, may_save=not waiting, after=after)


def _mapping_form(request, plan, unknown):
    """A choice for each name the province does not know; bound once the preview is posted."""
    agencies = Agency.objects.filter(province=plan.province).order_by(vietnamese("name"))
    groups = AgencyGroup.objects.filter(province=plan.province).order_by(vietnamese("name"))
    bound = "payload" in request.POST and unknown
    return AgencyMappingForm(
        request.POST if bound else None,
        names=unknown,
        agencies=agencies,
        groups=groups,
        may_create=_province_wide(request, plan),
    )


def _province_wide(request, plan):
    """Whether the user sets up the plan's province (its Sở Nội vụ, an administrator), not only
    one plan issued below it: new agencies and remembered names are the province's."""
    if not hasattr(request, "_province_wide"):
        request._province_wide = access.managed_provinces(request.user).filter(pk=plan.province_id).exists()
    return request._province_wide


def _saved_before(request, plan):
    """The same preview saved a second time (a double click on "Lưu"): it is in the plan once."""
    messages.info(request, _("Danh mục nhiệm vụ này đã được lưu vào kế hoạch; không thêm lần nữa."))
    return redirect("plan_detail", plan.pk)


def _local_committees(province):
    """The level below the province as the plan's unit has it: districts until 30/6/2025, then
    communes, wards and special zones (two-tier local government)."""
    if province.valid_from is not None:
        return "UBND các xã, phường, đặc khu;"
    return "UBND các huyện, thị xã, thành phố;"


def plan_pdf(request, pk):
    """The plan as an official document: targets, then the DANH MỤC of tasks in landscape."""
    plan = get_object_or_404(access.visible_plans(request.user).select_related("province", "issuing_agency"), pk=pk)
    issuer = plan.issuer_name or plan.province.committee
    heading = {
        "superior": "",
        "issuer": issuer.upper(),
        "number": plan.document_number,
        "place": plan.province.name,
        "date_line": vietnamese_date(plan.issue_date) if plan.issue_date else blank_date_line(plan.year),
        "doc_type": "KẾ HOẠCH",
        "summary": plan.title,
        "recipient_lines": ["Các sở, ban, ngành tỉnh;", _local_committees(plan.province), "Lưu: VT."],
        "signer_lines": [line for line in re.split(r"\s*[/;\n]\s*", plan.signer_title) if line],
        "signer_name": plan.signer,
    }
    targets = list(plan.targets.select_related("dimension", "sub_dimension"))
    context = {
        "plan": plan,
        "targets": targets,
        "ranked": any(t.rank_label for t in targets),
        "sections": sections(Task.objects.filter(plan=plan).listed()),
        "heading": heading,
    }
    return attachment(render_pdf("plans/plan_pdf.html", context), f"{filename_slug(plan.document_number)}-ke-hoach.pdf", PDF)


def _managed_province(request, code):
    """A unit the user coordinates (or any, for an administrator); 404 otherwise."""
    return get_object_or_404(access.managed_provinces(request.user), code=code)


def province_communes(request, code):
    """The commune committees of a unit in force, created in one step from the statistics
    office's list (plans.communes), all or the ones ticked; those already there are shown so."""
    province = _managed_province(request, code)
    communes = communes_of(province)
    present = present_names(province)
    form = CommuneChoiceForm(request.POST or None, communes=communes, present=present)
    if request.method == "POST" and form.is_valid():
        setup = create_commune_committees(province, codes=form.cleaned_data["communes"])
        messages.success(
            request,
            _("Đã tạo %(created)s UBND cấp xã trong nhóm “%(group)s”; %(existing)s đã có từ trước.")
            % {"created": len(setup.created), "group": setup.group.name, "existing": len(setup.existing)},
        )
        return redirect("province_communes", province.code)
    present_codes = {commune.code for commune in communes if normalise(commune.committee) in present}
    context = {"province": province, "form": form, "communes": communes, "present_codes": present_codes}
    context["present_count"] = len(present_codes)
    return render(request, "plans/province_communes.html", context, status=400 if form.errors else 200)


AGENCY_IMPORT_SALT = "papi.agency-import"


def agency_import_page(request, code):
    """Departments and other agencies from an Excel or CSV list: preview, then all or nothing."""
    province = _managed_province(request, code)
    form, rows, payload = AgencyImportForm(), None, ""
    if request.method == "POST" and "payload" in request.POST:
        try:
            raw = signed_preview.load(request.POST["payload"], AGENCY_IMPORT_SALT)
        except signed_preview.InvalidPreview:
            return signed_preview.refused()
        if raw.get("province") != province.pk:
            return signed_preview.refused()
        rows = agency_import.check(province, [agency_import.AgencyRow(*fields) for fields in raw["rows"]])
        try:
            created = agency_import.save(province, rows)
        except agency_import.AgencyImportError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Đã thêm %(count)s cơ quan.") % {"count": created})
            return redirect("agency_import", province.code)
    elif request.method == "POST":
        form = AgencyImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                rows = agency_import.check(province, agency_import.read_rows(upload.name, upload.read()))
            except agency_import.AgencyImportError as error:
                form.add_error("file", str(error))
            else:
                if not any(row.errors for row in rows):
                    fields = [[r.line, r.name, r.short_name, r.kind_text, r.email] for r in rows]
                    payload = signed_preview.sign({"province": province.pk, "rows": fields}, AGENCY_IMPORT_SALT)
    context = {
        "province": province,
        "form": form,
        "rows": rows,
        "payload": payload,
        "new_count": sum(1 for row in rows or [] if not row.exists and not row.errors),
        "error_count": sum(1 for row in rows or [] if row.errors),
        "kinds": dict(AgencyKind.choices),
    }
    status = 400 if request.method == "POST" and (rows is None or context["error_count"]) else 200
    return render(request, "plans/agency_import.html", context, status=status)


def plan_publication(request, pk):
    """Công khai kế hoạch / Ngừng công khai (POST `action` = publish / unpublish): whoever
    manages the plan (plans.access.may_publish, through managed_plans: anyone else gets 404)
    opens or closes its public page (the `public` app). A draft is refused with the reason."""
    plan = get_object_or_404(access.managed_plans(request.user), pk=pk)
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "publish":
        try:
            publication.publish(plan, request.user)
        except publication.PublicationError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Đã công khai kế hoạch: người dân xem được trang công khai của kế hoạch."))
    elif action == "unpublish":
        publication.unpublish(plan)
        messages.success(request, _("Đã ngừng công khai kế hoạch: trang công khai không còn truy cập được."))
    elif request.method == "POST":
        messages.error(request, _("Yêu cầu không hợp lệ: hãy chọn công khai hoặc ngừng công khai."))
    return redirect(f"{reverse('plan_detail', args=[plan.pk])}#cong-khai")
