"""The request limits are sized from the data, the forms keep the same bounds as the models,
and a refused request gets a page in Vietnamese, never Django's English one."""

import pytest
from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.urls import reverse
from django.views import defaults

import papi_tracker.settings as production
from papi_tracker import limits
from reporting.forms import ReportForm, TaskProgressForm
from reporting.models import Report, TaskProgress


def _text_fields(form_class):
    return {name: field for name, field in form_class.base_fields.items() if isinstance(field, forms.CharField)}


def test_the_tests_run_with_the_production_request_limits():
    for name in ("DATA_UPLOAD_MAX_NUMBER_FIELDS", "DATA_UPLOAD_MAX_MEMORY_SIZE"):
        assert getattr(settings, name) == getattr(production, name), name


def test_the_field_counts_the_settings_are_sized_from_are_the_report_forms():
    # Every field of a task's card is posted, its file input too (empty, as a field).
    assert len(TaskProgressForm.base_fields) == limits.REPORT_FORM_FIELDS_PER_TASK
    # The report's own fields, the CSRF token and the button pressed.
    assert len(ReportForm.base_fields) + 2 == limits.REPORT_FORM_OWN_FIELDS


def test_the_largest_report_form_fits_the_request_limits():
    fields = limits.REPORT_FORM_FIELDS_PER_TASK * limits.MAX_TASKS_PER_PLAN + limits.REPORT_FORM_OWN_FIELDS
    assert fields <= settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    per_task = sum(field.max_length for field in _text_fields(TaskProgressForm).values())
    report = sum(field.max_length for field in _text_fields(ReportForm).values())
    assert 4 * (per_task * limits.MAX_TASKS_PER_PLAN + report) <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def test_every_text_a_reporter_types_is_bounded_alike_in_the_form_and_the_model():
    for form_class, model in ((TaskProgressForm, TaskProgress), (ReportForm, Report)):
        for name, field in _text_fields(form_class).items():
            assert field.max_length is not None, name
            assert field.max_length == model._meta.get_field(name).max_length, name


# --- the pages of a refused request ---------------------------------------------------------


@pytest.mark.django_db
def test_a_page_that_does_not_exist_is_answered_in_vietnamese(client, commune_reporter):
    client.force_login(commune_reporter)
    for url in ("/khong-co-trang-nay/", reverse("report_detail", args=[999999])):
        response = client.get(url)
        assert response.status_code == 404
        assert "Không tìm thấy trang" in response.text and "Not Found" not in response.text
        assert 'href="/"' in response.text  # the way home


@pytest.mark.django_db
def test_a_forbidden_page_is_answered_in_vietnamese(commune_reporter):
    request = RequestFactory().get("/")
    request.user = commune_reporter
    response = defaults.permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    assert "Không có quyền truy cập" in response.content.decode() and "Forbidden" not in response.content.decode()


@pytest.mark.django_db
def test_the_server_error_page_is_in_vietnamese_and_needs_no_database(django_assert_num_queries):
    with django_assert_num_queries(0):  # the database may be what failed
        response = defaults.server_error(RequestFactory().get("/"))
    page = response.content.decode()
    assert response.status_code == 500
    assert "Máy chủ gặp sự cố" in page and "Server Error" not in page
    assert "nội dung bạn đã nhập vẫn còn" in page
