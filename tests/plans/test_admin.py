"""The admin a coordinator works in: only their province, reference data read-only. What a
logged-in user may not use answers 404, as everywhere in the app (papi_tracker.middleware.
AdminNotFoundMiddleware, plans.admin_scope); anonymous users go to the admin's login page."""

from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from plans.demo import DEMO_PASSWORD
from plans.models import Agency, Plan, Task

pytestmark = pytest.mark.django_db


def test_a_coordinator_lists_only_their_provinces_agencies(client, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("admin:plans_agency_changelist"))
    assert response.status_code == 200
    provinces = set(response.context["cl"].queryset.values_list("province__code", flat=True))
    assert provinces == {"an-giang"}


def test_a_coordinator_lists_only_their_provinces_tasks(client, coordinator, an_giang_plan):
    client.force_login(coordinator)
    response = client.get(reverse("admin:plans_task_changelist"))
    assert set(response.context["cl"].queryset.values_list("plan", flat=True)) == {an_giang_plan.pk}
    assert response.context["cl"].result_count == 58


def test_another_provinces_plan_cannot_be_opened(client, coordinator, dak_nong_plan):
    client.force_login(coordinator)
    response = client.get(reverse("admin:plans_plan_change", args=[dak_nong_plan.pk]))
    assert response.status_code == 404  # as elsewhere in the app; Django's admin would redirect
    assert dak_nong_plan.title not in response.text


def test_another_provinces_task_cannot_be_changed(client, coordinator, dak_nong_plan):
    client.force_login(coordinator)
    task = Task.objects.filter(plan=dak_nong_plan).first()
    url = reverse("admin:plans_task_change", args=[task.pk])
    client.post(url, {"title": "ghi đè"})
    task.refresh_from_db()
    assert task.title != "ghi đè"


def test_users_and_roles_are_for_administrators(client, coordinator, administrator):
    client.force_login(coordinator)
    assert client.get(reverse("admin:plans_membership_changelist")).status_code == 404
    client.force_login(administrator)
    assert client.get(reverse("admin:plans_membership_changelist")).status_code == 200


@pytest.mark.parametrize("cast", ["lead_reporter", "viewer", "commune_reporter"])
def test_reporters_and_viewers_do_not_get_into_the_admin(client, request, cast):
    client.force_login(request.getfixturevalue(cast))
    assert client.get(reverse("admin:index")).status_code == 404
    assert client.get(reverse("admin:plans_plan_changelist")).status_code == 404


def login_page_with_next(location):
    """The `next` of a redirect to the app's login page, or None if it goes elsewhere."""
    parts = urlsplit(location)
    return parse_qs(parts.query)["next"][0] if parts.path == reverse("login") else None


def test_anonymous_users_are_sent_to_the_login_page(client):
    for url in (reverse("admin:index"), reverse("admin:auth_user_changelist"), reverse("admin:plans_plan_changelist")):
        response = client.get(url, follow=True)
        assert login_page_with_next(response.redirect_chain[-1][0]) == url
        assert response.status_code == 200 and "Tên đăng nhập" in response.text


def test_the_admin_logs_in_through_the_apps_login(client, coordinator):
    """One login page, where failures are counted by the browser's device cookie (accounts.lockout)."""
    response = client.get(reverse("admin:login"), {"next": reverse("admin:index")})
    assert response.status_code == 302 and login_page_with_next(response["Location"]) == reverse("admin:index")
    response = client.post(response["Location"], {"username": "snv.angiang", "password": DEMO_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("admin:index")
    assert client.get(reverse("admin:index")).status_code == 200


def _dak_nong_agency(dak_nong_plan):
    return Agency.objects.filter(province=dak_nong_plan.province).first()


ADMIN_PAGES = {
    "users": lambda plan: reverse("admin:auth_user_changelist"),
    "a user": lambda plan: reverse("admin:auth_user_change", args=[get_user_model().objects.get(username="admin").pk]),
    "another province's agency": lambda plan: reverse("admin:plans_agency_change", args=[_dak_nong_agency(plan).pk]),
    "another province's plan's history": lambda plan: reverse("admin:plans_plan_history", args=[plan.pk]),
    "deleting another province's agency": lambda plan: reverse("admin:plans_agency_delete", args=[_dak_nong_agency(plan).pk]),
    "adding a province": lambda plan: reverse("admin:indicators_province_add"),
    "adding a report": lambda plan: reverse("admin:reporting_report_add"),
    "exports": lambda plan: reverse("admin:reporting_export_changelist"),
}


@pytest.mark.parametrize("page", sorted(ADMIN_PAGES))
def test_what_a_coordinator_may_not_use_is_not_found(client, coordinator, administrator, dak_nong_plan, page):
    url = ADMIN_PAGES[page](dak_nong_plan)
    client.force_login(coordinator)
    assert client.get(url).status_code == 404
    assert client.post(url, {}).status_code == 404
    client.force_login(administrator)
    # The report admin is read-only for everyone: no adding, even for administrators.
    assert client.get(url).status_code == (404 if page == "adding a report" else 200)


def test_reference_data_is_read_only_for_coordinators(client, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("admin:indicators_score_changelist")).status_code == 200
    province = Agency.objects.get(name="Sở Y tế", province__code="an-giang").province
    assert client.post(reverse("admin:indicators_province_change", args=[province.pk]), {"name": "X"}).status_code == 404
    assert client.get(reverse("admin:indicators_score_import")).status_code == 404


def test_administrators_may_import_reference_data(client, administrator):
    client.force_login(administrator)
    assert client.get(reverse("admin:indicators_province_import")).status_code == 200
    assert client.get(reverse("admin:indicators_province_export")).status_code == 200
    # Scores come in through the score import page alone (indicators.score_import), not the admin.
    assert client.get(reverse("admin:indicators_score_import")).status_code == 404
    assert client.get(reverse("admin:indicators_score_export")).status_code == 200


def test_a_coordinator_adds_a_task_typing_vietnamese_numbers_and_dates(client, coordinator, an_giang_plan):
    client.force_login(coordinator)
    add_url = reverse("admin:plans_task_add")
    form = client.get(add_url).context["adminform"].form
    assert set(form.fields["plan"].queryset) == {an_giang_plan}  # nothing from Đắk Nông to pick
    response = client.post(
        add_url,
        {
            "plan": an_giang_plan.pk,
            "number": "10.1",
            "order": "100",
            "title": "Tập huấn cán bộ cấp xã về Chỉ số PAPI",
            "measure": "95% cán bộ được tập huấn",
            "measure_value": "95,5",
            "measure_unit": "%",
            "timeframe_kind": "deadline",
            "timeframe_text": "Quý III/2020",
            "due_date": "05/09/2020",
            "assignments-TOTAL_FORMS": "1",
            "assignments-INITIAL_FORMS": "0",
            "assignments-MIN_NUM_FORMS": "0",
            "assignments-MAX_NUM_FORMS": "1000",
            "assignments-0-role": "lead",
            "assignments-0-agency": Agency.objects.get(province=an_giang_plan.province, name="Sở Nội vụ").pk,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    task = Task.objects.get(plan=an_giang_plan, number="10.1")
    assert task.measure_value == Decimal("95.5")
    assert task.due_date.isoformat() == "2020-09-05"
    assert task.assignments.get().agency.name == "Sở Nội vụ"


def test_an_assignment_to_another_provinces_agency_is_refused(client, coordinator, an_giang_plan):
    client.force_login(coordinator)
    foreign = Agency.objects.get(name="UBND xã Đắk Nia")
    task = Task.objects.get(plan=an_giang_plan, number="1.1")
    response = client.post(
        reverse("admin:plans_task_change", args=[task.pk]),
        {
            "plan": an_giang_plan.pk,
            "number": task.number,
            "order": task.order,
            "title": task.title,
            "timeframe_kind": "ongoing",
            "assignments-TOTAL_FORMS": "1",
            "assignments-INITIAL_FORMS": "0",
            "assignments-MIN_NUM_FORMS": "0",
            "assignments-MAX_NUM_FORMS": "1000",
            "assignments-0-role": "coordinating",
            "assignments-0-agency": foreign.pk,
        },
    )
    assert response.status_code == 200  # the form comes back with the error
    assert not task.assignments.filter(agency=foreign).exists()
    assert Plan.objects.filter(pk=an_giang_plan.pk).exists()


def test_every_model_of_the_apps_has_an_admin_page():
    from django.apps import apps
    from django.contrib import admin

    missing = [
        model._meta.label
        for app in ("indicators", "plans", "reporting")
        for model in apps.get_app_config(app).get_models()
        if model not in admin.site._registry and not model._meta.label.split(".")[1].startswith("Historical")
    ]
    assert missing == []


@pytest.mark.parametrize(
    "name",
    ["plans_target", "plans_taskassignment", "reporting_taskprogress", "reporting_periodreopening", "reporting_evidencefile",
     "reporting_reminderlog", "reporting_report", "reporting_reportingperiod"],
)  # fmt: skip
def test_each_admin_list_opens_for_a_coordinator(client, coordinator, name):
    client.force_login(coordinator)
    assert client.get(reverse(f"admin:{name}_changelist")).status_code == 200


def test_evidence_in_the_admin_has_no_file_url(client, coordinator):
    from reporting.admin import EvidenceFileAdmin

    assert "file" not in EvidenceFileAdmin.fields


def test_the_admin_does_not_show_a_draft_report_to_the_coordinator(client, coordinator, lead_reporter, an_giang_plan):
    from plans.obligations import tasks_for_agency
    from reporting import workflow

    health = Agency.objects.get(province=an_giang_plan.province, name="Sở Y tế")
    period = an_giang_plan.periods.get(kind="year")
    progress = {t.pk: {"status": "", "percent_done": None, "achieved_value": None, "narrative": "nháp riêng", "evidence": ""}
                for t in tasks_for_agency(health, plan=an_giang_plan)}  # fmt: skip
    report = workflow.save_draft(
        agency=health, period=period, user=lead_reporter, seen_version=0, difficulties="", proposals="", progress=progress
    )
    client.force_login(coordinator)
    assert report not in client.get(reverse("admin:reporting_report_changelist")).context["cl"].queryset
    response = client.get(reverse("admin:reporting_report_change", args=[report.pk]))
    assert response.status_code == 404 and "nháp riêng" not in client.get(reverse("admin:reporting_taskprogress_changelist")).text


def test_the_plan_page_links_to_its_tasks_instead_of_a_form_per_task(client, coordinator, an_giang_plan):
    """A plan of 200 tasks made the page half a megabyte: its tasks are on their own list."""
    client.force_login(coordinator)
    response = client.get(reverse("admin:plans_plan_change", args=[an_giang_plan.pk]))
    assert response.status_code == 200
    assert "tasks-TOTAL_FORMS" not in response.text and "targets-TOTAL_FORMS" in response.text
    listed = reverse("admin:plans_task_changelist") + f"?plan__id__exact={an_giang_plan.pk}"
    assert f'<a href="{listed}">Xem 58 nhiệm vụ của kế hoạch</a>' in response.text
    assert reverse("admin:plans_task_add") + f"?plan={an_giang_plan.pk}" in response.text
    tasks = client.get(listed)
    assert tasks.context["cl"].result_count == 58
    add = client.get(reverse("admin:plans_task_add"), {"plan": an_giang_plan.pk})
    assert add.context["adminform"].form.initial["plan"] == str(an_giang_plan.pk)


def test_a_new_plan_says_to_save_it_before_adding_tasks(client, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("admin:plans_plan_add"))
    assert response.status_code == 200 and "Lưu kế hoạch rồi thêm nhiệm vụ." in response.text


def _filters(response):
    """The filters shown, by title (Django leaves out those with nothing to choose)."""
    return {str(spec.title): spec for spec in response.context["cl"].filter_specs}


def test_a_coordinator_filters_by_their_provinces_plans_only(client, coordinator, an_giang_plan, dak_nong_plan):
    client.force_login(coordinator)
    response = client.get(reverse("admin:plans_task_changelist"))
    plans = _filters(response)["kế hoạch"]
    assert [pk for pk, _name in plans.lookup_choices] == [an_giang_plan.pk]
    assert "tỉnh, thành phố" not in _filters(response)  # their one province: nothing to choose
    assert dak_nong_plan.document_number not in response.text


def test_an_administrator_chooses_a_province_before_a_plan(client, administrator, an_giang_plan, dak_nong_plan):
    """The filter never lists the country's plans: a province first, then its plans."""
    client.force_login(administrator)
    url = reverse("admin:plans_task_changelist")
    response = client.get(url)
    assert "kế hoạch" not in _filters(response)
    provinces = _filters(response)["tỉnh, thành phố"]
    assert an_giang_plan.province_id in [pk for pk, _name in provinces.lookup_choices]
    response = client.get(url, {"plan__province__id__exact": dak_nong_plan.province_id})
    assert [pk for pk, _name in _filters(response)["kế hoạch"].lookup_choices] == [dak_nong_plan.pk]
    # Choosing another province lets go of the plan chosen.
    response = client.get(url, {"plan__id__exact": an_giang_plan.pk})
    assert [pk for pk, _name in _filters(response)["kế hoạch"].lookup_choices] == [an_giang_plan.pk]
    provinces = _filters(response)["tỉnh, thành phố"].choices(response.context["cl"])
    choice = next(c for c in provinces if c["display"] == str(dak_nong_plan.province))
    assert "plan__id__exact" not in choice["query_string"]


def test_the_answers_list_waits_for_a_plan(client, coordinator, an_giang_plan):
    """The country's answers are millions of rows: none is listed, sorted or counted until a plan
    is chosen."""
    from tests.factories import report

    health = Agency.objects.get(province=an_giang_plan.province, name="Sở Y tế")
    task = Task.objects.filter(plan=an_giang_plan).order_by("order").first()
    period = an_giang_plan.periods.get(kind="year")
    report(health, period, "submitted", sent_on=period.due_date, answers=[(task, "completed", 100, "")])
    client.force_login(coordinator)
    url = reverse("admin:reporting_taskprogress_changelist")
    response = client.get(url)
    assert response.context["cl"].result_count == 0
    assert "Chọn kế hoạch trong bộ lọc để xem kết quả thực hiện." in response.text
    response = client.get(url, {"report__period__plan__id__exact": an_giang_plan.pk})
    assert response.context["cl"].result_count == 1
    assert "Chọn kế hoạch trong bộ lọc" not in response.text


def test_the_largest_lists_count_only_up_to_a_limit(client, coordinator, an_giang_plan, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from plans.admin_scope import LimitedCountPaginator

    monkeypatch.setattr(LimitedCountPaginator, "limit", 20)
    client.force_login(coordinator)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("admin:plans_task_changelist"), {"plan__id__exact": an_giang_plan.pk})
    assert response.context["cl"].result_count == 21 and response.context["cl"].paginator.capped
    assert "Hơn 20 nhiệm vụ: lọc thêm để xem tiếp" in response.text
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"] and "plans_task" in q["sql"]]
    assert len(counts) == 1 and "LIMIT 21" in counts[0]  # never the whole table, nor a second full count
    # Below the limit the list says how many, as Django does.
    monkeypatch.setattr(LimitedCountPaginator, "limit", 100)
    response = client.get(reverse("admin:plans_task_changelist"), {"plan__id__exact": an_giang_plan.pk})
    assert response.context["cl"].result_count == 58 and "58 nhiệm vụ" in response.text


def test_the_reference_admin_asks_nothing_of_plans():
    """indicators imports nothing of plans: its admin lets in whoever the admin lets in (staff,
    which coordinators are) to look things up, and the model permissions decide writes."""
    import ast
    from pathlib import Path

    import indicators.admin

    tree = ast.parse(Path(indicators.admin.__file__).read_text())
    imported = [node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.level == 0]
    imported += [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    assert not [name for name in imported if name.split(".")[0] in ("plans", "reporting")]


def test_reference_data_is_hidden_from_users_outside_the_admin(client, viewer, lead_reporter):
    for user in (viewer, lead_reporter):
        client.force_login(user)
        assert client.get(reverse("admin:indicators_score_changelist")).status_code == 404


def test_a_coordinator_edits_a_task_and_its_agencies(client, coordinator, an_giang_plan):
    """The task page keeps its agencies inline; each row's select names its agency without a
    query of its own (plans.admin_scope.KnownChoiceAutocomplete)."""
    client.force_login(coordinator)
    task = Task.objects.filter(plan=an_giang_plan, assignments__agency__isnull=False).order_by("order").first()
    assignment = task.assignments.select_related("agency").filter(agency__isnull=False).first()
    url = reverse("admin:plans_task_change", args=[task.pk])
    page = client.get(url).text
    assert f'<option value="{assignment.agency_id}" selected>{assignment.agency.name}</option>' in page
    justice = Agency.objects.get(province=an_giang_plan.province, name="Sở Tư pháp")
    existing = list(task.assignments.all())
    data = {
        "plan": an_giang_plan.pk,
        "number": task.number,
        "order": task.order,
        "title": "Nhiệm vụ đã sửa",
        "timeframe_kind": "ongoing",
        "assignments-TOTAL_FORMS": str(len(existing) + 1),
        "assignments-INITIAL_FORMS": str(len(existing)),
        "assignments-MIN_NUM_FORMS": "0",
        "assignments-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(existing):
        data |= {
            f"assignments-{index}-id": row.pk,
            f"assignments-{index}-task": task.pk,
            f"assignments-{index}-role": row.role,
            f"assignments-{index}-agency": row.agency_id or "",
            f"assignments-{index}-group": row.group_id or "",
        }
    new = len(existing)
    data |= {
        f"assignments-{new}-task": task.pk,
        f"assignments-{new}-role": "coordinating",
        f"assignments-{new}-agency": justice.pk,
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    task.refresh_from_db()
    assert task.title == "Nhiệm vụ đã sửa"
    assert task.assignments.filter(agency=justice, role="coordinating").exists()
    assert task.assignments.count() == len(existing) + 1


@pytest.mark.parametrize("value", [":", "abc", "99999999"])
def test_a_plan_that_is_no_plan_comes_back_as_a_form_error(client, coordinator, value):
    """The plan is picked by autocomplete (no select of the country's plans); a value that is no
    plan, or no plan of theirs, is a form error, never a 500."""
    client.force_login(coordinator)
    response = client.post(reverse("admin:plans_task_add"), {"plan": value, "number": "1", "title": "Việc"})
    assert response.status_code == 200 and response.context["adminform"].form.errors["plan"]


# --- Widgets written without Django's templates (plans.admin_scope.FastWidget) ---------------


def _tags(html):
    """The markup with the white space between tags left out (the templates' line breaks)."""
    import re

    return re.sub(r">\s+<", "><", str(html)).strip()


@pytest.mark.parametrize(
    "widget, value",
    [
        ("text", 'Kế hoạch "số 1" <b>'),
        ("text", None),
        ("number", 5),
        ("hidden", "3"),
        ("checkbox", True),
        ("checkbox", False),
        ("textarea", 'Dòng 1\nDòng <2> & "3"'),
        ("textarea", ""),
        ("select", "b"),
        ("select", None),
        ("grouped", "2"),
    ],
)
def test_a_fast_widget_writes_what_djangos_template_writes(widget, value):
    from django import forms
    from django.utils.safestring import mark_safe

    from plans.admin_scope import FastWidget, _fast_class

    made = {
        "text": lambda: forms.TextInput(attrs={"class": "vTextField", "maxlength": 200, "required": True}),
        "number": lambda: forms.NumberInput(attrs={"min": 0, "disabled": False}),
        "hidden": lambda: forms.HiddenInput(),
        "checkbox": lambda: forms.CheckboxInput(attrs={"class": "vCheckboxLabel"}),
        "textarea": lambda: forms.Textarea(attrs={"rows": 3}),
        "select": lambda: forms.Select(choices=[("", "---------"), ("a", "Á & <b>"), ("b", mark_safe("<i>B</i>"))]),
        "grouped": lambda: forms.Select(
            choices=[("", "---------"), ("Từ 2025", [(1, "An Giang"), (2, "Đắk Lắk")]), ("Cũ", [(3, "Cũ")])]
        ),
    }[widget]
    django_widget, fast_widget = made(), made()
    fast_widget.__class__ = _fast_class(type(fast_widget))
    assert isinstance(fast_widget, FastWidget)
    attrs = {"id": "id_x"}
    assert _tags(fast_widget.render("x", value, attrs)) == _tags(django_widget.render("x", value, attrs))


def test_the_admins_forms_use_fast_widgets_for_plain_ones_only(client, coordinator, an_giang_plan):
    from plans.admin_scope import FastWidget

    client.force_login(coordinator)
    task = an_giang_plan.tasks.order_by("pk").first()
    form = client.get(reverse("admin:plans_task_change", args=[task.pk])).context["adminform"].form
    inner = {name: getattr(field.widget, "widget", field.widget) for name, field in form.fields.items()}
    assert isinstance(inner["title"], FastWidget) and isinstance(inner["timeframe_kind"], FastWidget)
    assert isinstance(inner["dimension"], FastWidget)
    assert not isinstance(inner["due_date"], FastWidget)  # the admin's date widget: Django's own


def test_the_lists_checkbox_is_djangos(coordinator, an_giang_plan):
    from django.contrib import admin

    from plans.admin import PlanAdmin

    plan_admin = PlanAdmin(Plan, admin.site)
    an_giang_plan.document_number = 'Số "1" <b>'
    assert _tags(plan_admin.action_checkbox(an_giang_plan)) == _tags(admin.ModelAdmin.action_checkbox(plan_admin, an_giang_plan))
