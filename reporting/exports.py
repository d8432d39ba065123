"""Exports too long for a request: a whole plan-year (every period's compiled appendix and
the plan's task list) or every province's current plan. Each runs as a task of Django's
tasks framework (django-tasks-db in production, so any app server's worker can run it;
the immediate backend in tests), records its progress on the Export row for the page to
show, and stores the file in private storage for its requester alone to download."""

import io
import logging
import zipfile
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.tasks import task
from django.utils import timezone, translation
from openpyxl import Workbook

from papi_tracker.downloads import filename_slug
from papi_tracker.xlsx import CENTRE, HEADER_FILL, landscape, put, title, workbook_bytes
from plans.excel import plan_workbook
from plans.models import Task

from . import compiled, excel, progress
from .models import Export

logger = logging.getLogger(__name__)


def request_export(user, kind, plan=None):
    """Record the export and queue its task once the row is committed (a worker on another
    server must find it)."""
    export = Export.objects.create(kind=kind, plan=plan, requested_by=user)
    transaction.on_commit(lambda: make_export.enqueue(str(export.pk)))
    return export


def _step(export, done, total):
    Export.objects.filter(pk=export.pk).update(progress=min(99, round(100 * done / total)) if total else 0)


def plan_year_zip(export):
    plan = export.plan
    periods = list(plan.periods.order_by("end", "-start"))  # calendar order: a quarter before the longer period ending with it
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("danh-muc-nhiem-vu.xlsx", plan_workbook(plan, Task.objects.filter(plan=plan).listed()))
        for index, period in enumerate(periods, start=1):
            report = compiled.compiled_report(plan, period)
            archive.writestr(f"{index:02d}-{filename_slug(period.label)}.xlsx", excel.compiled_workbook(report))
            _step(export, index, len(periods))
    return f"{filename_slug(plan.document_number)}-{plan.year}.zip", buffer.getvalue()


def national_workbook(export):
    rows = progress.national_overview("province")
    book = Workbook()
    sheet = book.active
    sheet.title = "Toàn quốc"
    headings = ["Tỉnh, thành phố", "Kế hoạch", "Năm", "Tổng số nhiệm vụ", "Đã hoàn thành", "Tỷ lệ hoàn thành (%)",
                "Quá hạn", "Kỳ báo cáo hiện tại", "Cơ quan phải báo cáo", "Đã gửi", "Tỷ lệ báo cáo (%)",
                "Tỷ lệ đúng hạn (%)"]  # fmt: skip
    title(sheet, 1, len(headings), "TÌNH HÌNH THỰC HIỆN KẾ HOẠCH NÂNG CAO CHỈ SỐ PAPI CỦA CÁC TỈNH, THÀNH PHỐ")
    for column, heading in enumerate(headings, start=1):
        put(sheet, 3, column, heading, bold=True, align=CENTRE, fill=HEADER_FILL)
        sheet.column_dimensions[sheet.cell(row=3, column=column).column_letter].width = 14 if column > 1 else 24
    for line, row in enumerate(rows, start=4):
        if row.plan is None:  # a unit in force without a plan yet
            values = [row.unit.name, "chưa có kế hoạch"]
        else:
            values = [row.unit.name, row.plan.document_number, row.plan.year, row.tally.total, row.tally.completed,
                      row.tally.completed_percent, row.tally.overdue, row.period.label if row.period else "",
                      row.expected, row.sent, row.reporting_rate, row.on_time_rate]  # fmt: skip
        for column, value in enumerate(values, start=1):
            put(sheet, line, column, str(value) if isinstance(value, str) else value)
        _step(export, line - 3, len(rows))
    landscape(sheet, 3)
    return f"papi-toan-quoc-{timezone.localdate():%Y-%m-%d}.xlsx", workbook_bytes(book)


def delete_old_exports(days=None, now=None):
    """Remove the finished exports (done or failed) asked for more than `days` ago
    (EXPORT_KEEP_DAYS): their rows now, their files once the deletion is committed (a rollback
    must not leave rows without files). One still queued or running is left to finish.
    Returns how many."""
    days = settings.EXPORT_KEEP_DAYS if days is None else days
    if days < 1:
        raise ValueError("Exports are kept at least one day: the page that asked for one is waiting for it.")
    cutoff = (now or timezone.now()) - timedelta(days=days)
    finished = [Export.Status.DONE, Export.Status.FAILED]
    with transaction.atomic():
        old = list(Export.objects.filter(created_at__lt=cutoff, status__in=finished).only("pk", "file"))
        files = [export.file.name for export in old if export.file]
        Export.objects.filter(pk__in=[export.pk for export in old]).delete()
        transaction.on_commit(lambda: _delete_files(files))
    return len(old)


def _delete_files(names):
    storage = Export._meta.get_field("file").storage
    for name in names:
        try:
            storage.delete(name)
        except OSError:  # the next files still go; this one is left for an administrator
            logger.exception("could not delete export file %s", name)


BUILDERS = {Export.Kind.PLAN_YEAR: plan_year_zip, Export.Kind.NATIONAL: national_workbook}


@task()
def make_export(export_id):
    export = Export.objects.select_related("plan", "plan__province").get(pk=export_id)
    Export.objects.filter(pk=export.pk).update(status=Export.Status.RUNNING)
    try:
        with translation.override("vi"):  # working documents of the province, in Vietnamese
            filename, content = BUILDERS[export.kind](export)
    except Exception as error:  # recorded for the page; the worker logs the traceback
        logger.exception("export %s failed", export_id)
        Export.objects.filter(pk=export.pk).update(
            status=Export.Status.FAILED, error=str(error)[:500], finished_at=timezone.now()
        )
        raise
    export.file.save(filename, ContentFile(content), save=False)
    Export.objects.filter(pk=export.pk).update(
        status=Export.Status.DONE, progress=100, file=export.file.name, filename=filename, finished_at=timezone.now()
    )
