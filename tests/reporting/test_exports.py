"""Background exports: queued by one user, run by the tasks framework, downloaded by that
user only. The immediate backend runs them in tests; one test runs the real database worker."""

import io
import zipfile

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse
from openpyxl import load_workbook

from reporting import exports
from reporting.models import Export
from tests.factories import close_response

pytestmark = pytest.mark.django_db


def queue(client, url, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    return Export.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])


def download(client, export):
    response = client.get(reverse("export_download", args=[export.pk]))
    content = b"".join(response.streaming_content) if response.status_code == 200 else b""
    if response.status_code == 200:
        close_response(response)
    return response, content


def test_a_plan_year_export_runs_and_downloads(client, coordinator, an_giang_plan, django_capture_on_commit_callbacks):
    client.force_login(coordinator)
    export = queue(client, reverse("plan_year_export", args=[an_giang_plan.pk]), django_capture_on_commit_callbacks)
    export.refresh_from_db()
    assert (export.status, export.progress, export.filename) == ("done", 100, "179kh-ubnd-2020.zip")
    page = client.get(reverse("export_detail", args=[export.pk]))
    assert "Tải về 179kh-ubnd-2020.zip" in page.text and 'http-equiv="refresh"' not in page.text
    response, content = download(client, export)
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(content))
    names = archive.namelist()
    assert names[0] == "danh-muc-nhiem-vu.xlsx" and len(names) == 1 + an_giang_plan.periods.count()
    assert "06-nam-2020.xlsx" in names
    year = load_workbook(io.BytesIO(archive.read("06-nam-2020.xlsx")))
    assert year["Phụ lục"]["A1"].value == "DANH MỤC KẾT QUẢ THỰC HIỆN NHIỆM VỤ"
    tasks = load_workbook(io.BytesIO(archive.read("danh-muc-nhiem-vu.xlsx"))).active
    assert tasks["A6"].value == "1.1"


def test_another_user_cannot_see_or_download_it(
    client, coordinator, viewer, administrator, an_giang_plan, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    export = queue(client, reverse("plan_year_export", args=[an_giang_plan.pk]), django_capture_on_commit_callbacks)
    for other in (viewer, administrator):
        client.force_login(other)
        assert client.get(reverse("export_detail", args=[export.pk])).status_code == 404
        assert download(client, export)[0].status_code == 404


def test_a_coordinator_who_left_the_province_no_longer_downloads(
    client, coordinator, an_giang_plan, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    export = queue(client, reverse("plan_year_export", args=[an_giang_plan.pk]), django_capture_on_commit_callbacks)
    coordinator.memberships.all().delete()
    assert client.get(reverse("export_detail", args=[export.pk])).status_code == 404
    assert download(client, export)[0].status_code == 404


def test_who_may_queue_which_export(client, viewer, other_province_coordinator, administrator, an_giang_plan):
    url = reverse("plan_year_export", args=[an_giang_plan.pk])
    for user in (viewer, other_province_coordinator):
        client.force_login(user)
        assert client.post(url).status_code == 404
        assert client.post(reverse("national_export")).status_code == 404
    client.force_login(administrator)
    assert client.get(url).status_code == 405  # only by POST, with its CSRF token
    assert not Export.objects.exists()


def test_the_national_export(client, administrator, an_giang_plan, dak_nong_plan, django_capture_on_commit_callbacks):
    client.force_login(administrator)
    export = queue(client, reverse("national_export"), django_capture_on_commit_callbacks)
    response, content = download(client, export)
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet["A3"].value == "Tỉnh, thành phố"
    assert [sheet.cell(row=r, column=1).value for r in (4, 5)] == ["An Giang", "Lâm Đồng"]  # units in force
    assert [sheet.cell(row=r, column=2).value for r in (4, 5)] == ["179/KH-UBND", "46/QĐ-UBND"]
    assert sheet.cell(row=4, column=4).value == 58 and sheet.cell(row=4, column=4).data_type == "n"


def test_a_failed_export_says_so(client, coordinator, an_giang_plan, monkeypatch, django_capture_on_commit_callbacks):
    def broken(export):
        raise RuntimeError("disk full")

    monkeypatch.setitem(exports.BUILDERS, Export.Kind.PLAN_YEAR, broken)
    client.force_login(coordinator)
    export = queue(client, reverse("plan_year_export", args=[an_giang_plan.pk]), django_capture_on_commit_callbacks)
    export.refresh_from_db()
    assert export.status == "failed" and export.error == "disk full"
    assert "Không tạo được tệp" in client.get(reverse("export_detail", args=[export.pk])).text
    assert download(client, export)[0].status_code == 404


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}})
def test_the_database_worker_runs_a_queued_export(
    client, coordinator, an_giang_plan, django_capture_on_commit_callbacks, monkeypatch
):
    # The worker drops stale connections between tasks; here it shares the test's own
    # connection (inside the test's transaction), which must stay open.
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
    client.force_login(coordinator)
    export = queue(client, reverse("plan_year_export", args=[an_giang_plan.pk]), django_capture_on_commit_callbacks)
    export.refresh_from_db()
    assert export.status == "queued"
    page = client.get(reverse("export_detail", args=[export.pk]))
    assert 'http-equiv="refresh"' in page.text and "Đang chờ" in page.text
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    export.refresh_from_db()
    assert export.status == "done" and download(client, export)[0].status_code == 200


def test_old_exports_are_deleted_with_their_files_and_recent_ones_kept(
    client, coordinator, an_giang_plan, django_capture_on_commit_callbacks
):
    import datetime

    from django.utils import timezone

    client.force_login(coordinator)
    url = reverse("plan_year_export", args=[an_giang_plan.pk])
    old, recent = (queue(client, url, django_capture_on_commit_callbacks) for _ in range(2))
    old.refresh_from_db()
    recent.refresh_from_db()
    eight_days_ago = timezone.now() - datetime.timedelta(days=8)
    Export.objects.filter(pk=old.pk).update(created_at=eight_days_ago)
    # One still waiting for the worker, however old, is left to finish.
    waiting = Export.objects.create(kind="plan_year", plan=an_giang_plan, requested_by=coordinator)
    Export.objects.filter(pk=waiting.pk).update(created_at=eight_days_ago)
    storage = old.file.storage
    assert storage.exists(old.file.name) and storage.exists(recent.file.name)
    with pytest.raises(CommandError):
        call_command("delete_old_exports", "--days", "0")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("delete_old_exports", stdout=io.StringIO())  # 7 days by default
    assert set(Export.objects.values_list("pk", flat=True)) == {recent.pk, waiting.pk}
    assert not storage.exists(old.file.name) and storage.exists(recent.file.name)
    assert client.get(reverse("export_download", args=[old.pk])).status_code == 404
    page = client.get(reverse("export_detail", args=[recent.pk]))
    assert "Tệp được giữ 7 ngày kể từ khi yêu cầu" in page.text
    response, content = download(client, recent)
    assert response.status_code == 200 and content.startswith(b"PK")
