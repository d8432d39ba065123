"""The compiled report's Excel appendix (openpyxl): the DANH MỤC table of the plan with each
task's results, then the statistics, then difficulties and proposals. Officials keep working
in it, so numbers are stored as numbers and text never turns into a formula."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from papi_tracker.xlsx import BOX, CENTRE, HEADER_FILL, SECTION_FILL, WRAP, landscape, put, text, title, workbook_bytes

# The DANH MỤC columns of the Đắk Nông plan, then status and percent: (heading, width).
APPENDIX_COLUMNS = [
    (gettext_lazy("STT"), 7),
    (gettext_lazy("Nhiệm vụ"), 48),
    (pgettext_lazy("task measure", "Chỉ tiêu"), 22),
    (gettext_lazy("Đầu mối chủ trì"), 22),
    (gettext_lazy("Đơn vị thực hiện"), 22),
    (gettext_lazy("Thời gian thực hiện"), 16),
    (gettext_lazy("Kết quả thực hiện"), 55),
    (gettext_lazy("Tình trạng"), 16),
    (gettext_lazy("Tỷ lệ hoàn thành (%)"), 12),
]


def appendix_sheet(sheet, report):
    columns = [(str(heading), width) for heading, width in APPENDIX_COLUMNS]
    last = len(columns)
    sheet.title = _("Phụ lục")[:31]
    title(sheet, 1, last, _("DANH MỤC KẾT QUẢ THỰC HIỆN NHIỆM VỤ"))
    title(
        sheet,
        2,
        last,
        _("Kèm theo báo cáo kỳ %(period)s, Kế hoạch số %(number)s")
        % {"period": report.period.label, "number": report.plan.document_number},
        size=12,
        bold=False,
        italic=True,
    )
    header = 4
    for column, (heading, width) in enumerate(columns, start=1):
        put(sheet, header, column, heading, bold=True, align=CENTRE, fill=HEADER_FILL)
        sheet.column_dimensions[get_column_letter(column)].width = width
    row = header + 1
    for section in report.sections:
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last)
        heading = f"{section.number}. {section.title}" if section.number else str(section.title)
        put(sheet, row, 1, heading, bold=True, fill=SECTION_FILL)
        for column in range(2, last + 1):
            sheet.cell(row=row, column=column).border = BOX
        row += 1
        for result in section.tasks:
            task, state = result.task, result.state
            status = str(state.status_label) + (f" ({_('quá hạn')})" if state.overdue else "")
            values = [
                text(task.number),
                text(task.title),
                text(task.measure),
                text("; ".join(result.lead_names)),
                text("; ".join(result.coordinating_names)),
                text(task.timeframe_text or task.get_timeframe_kind_display()),
                text(result.result_text),
                status,
            ]
            for column, value in enumerate(values, start=1):
                put(sheet, row, column, value, align=CENTRE if column == 1 else WRAP)
            put(sheet, row, last, result.percent_done, align=CENTRE, number_format="0")
            row += 1
    landscape(sheet, header)


def statistics_sheet(sheet, report):
    tally, discipline = report.tally, report.discipline
    sheet.title = _("Thống kê")[:31]
    title(sheet, 1, 5, _("THỐNG KÊ KẾT QUẢ THỰC HIỆN"))
    title(sheet, 2, 5, report.period.label if report.period else "", size=12, bold=False, italic=True)
    for column, heading in enumerate([_("Chỉ tiêu thống kê"), _("Số lượng"), _("Tổng số"), _("Tỷ lệ (%)")], start=1):
        put(sheet, 4, column, str(heading), bold=True, align=CENTRE, fill=HEADER_FILL)
    rows = [
        (_("Nhiệm vụ đã hoàn thành"), tally.completed, tally.total, tally.completed_percent),
        (_("Nhiệm vụ đang thực hiện"), tally.in_progress, tally.total, tally.in_progress_percent),
        (_("Nhiệm vụ chưa thực hiện"), tally.not_started, tally.total, tally.not_started_percent),
        (_("Nhiệm vụ quá hạn"), tally.overdue, tally.total, tally.overdue_percent),
    ]
    if discipline:
        rows += [
            (_("Cơ quan đã gửi báo cáo"), discipline.sent, discipline.expected, discipline.reporting_rate),
            (_("Cơ quan gửi đúng hạn"), len(discipline.on_time), discipline.expected, discipline.on_time_rate),
            (_("Cơ quan gửi trễ hạn"), len(discipline.late), discipline.expected, None),
            (_("Cơ quan chưa gửi"), discipline.not_sent, discipline.expected, None),
        ]
    row = 5
    for label, count, total, rate in rows:
        put(sheet, row, 1, str(label))
        put(sheet, row, 2, count, number_format="0")
        put(sheet, row, 3, total, number_format="0")
        put(sheet, row, 4, rate, number_format="0")
        row += 1

    row += 1
    headings = [
        _("Chỉ số nội dung"),
        _("Năm cơ sở"),
        _("Mục tiêu"),
        _("Kết quả"),
        _("Nhiệm vụ hoàn thành"),
        _("Tổng số nhiệm vụ"),
    ]
    for column, heading in enumerate(headings, start=1):
        put(sheet, row, column, str(heading), bold=True, align=CENTRE, fill=HEADER_FILL)
    for dimension in report.progress.dimensions:
        row += 1
        name = (
            f"{dimension.dimension.number}. {dimension.dimension.name}" if dimension.dimension else _("Chỉ đạo, điều hành chung")
        )
        put(sheet, row, 1, text(name))
        for column, value in enumerate([dimension.baseline, dimension.target_score, dimension.actual], start=2):
            put(sheet, row, column, float(value) if value is not None else None, number_format="0.00")
        put(sheet, row, 5, dimension.tasks.completed, number_format="0")
        put(sheet, row, 6, dimension.tasks.total, number_format="0")
    for column, width in enumerate([40, 12, 12, 12, 14, 14], start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    landscape(sheet, 4)


def notes_sheet(sheet, report):
    sheet.title = _("Khó khăn, đề xuất")[:31]
    title(sheet, 1, 4, _("KHÓ KHĂN, VƯỚNG MẮC VÀ ĐỀ XUẤT, KIẾN NGHỊ"))
    headings = [_("Cơ quan"), _("Khó khăn, vướng mắc"), _("Khó khăn theo nhiệm vụ"), _("Đề xuất, kiến nghị")]
    for column, (heading, width) in enumerate(zip(headings, [28, 50, 50, 50], strict=True), start=1):
        put(sheet, 3, column, str(heading), bold=True, align=CENTRE, fill=HEADER_FILL)
        sheet.column_dimensions[get_column_letter(column)].width = width
    for row, note in enumerate(report.notes, start=4):
        by_task = "\n".join(f"{number}: {words}" for number, words in note.task_difficulties)
        for column, value in enumerate([note.agency_name, note.difficulties, by_task, note.proposals], start=1):
            put(sheet, row, column, text(value))
    landscape(sheet, 3)


def compiled_workbook(report):
    """The .xlsx file's bytes."""
    book = Workbook()
    appendix_sheet(book.active, report)
    statistics_sheet(book.create_sheet(), report)
    notes_sheet(book.create_sheet(), report)
    if report.annex_sections:
        annex_sheet(book.create_sheet(), report)
    return workbook_bytes(book)


def annex_sheet(sheet, report):
    """The coordinating agencies' answers the appendix leaves to the lead's: task, agency, result,
    and whether the lead's answer took it in."""
    sheet.title = _("Cơ quan phối hợp")[:31]
    headings = [
        (_("STT"), 7),
        (_("Nhiệm vụ"), 44),
        (_("Cơ quan phối hợp"), 28),
        (_("Kết quả thực hiện"), 60),
        (_("Đã tiếp thu"), 12),
    ]
    title(sheet, 1, len(headings), _("KẾT QUẢ CỦA CÁC CƠ QUAN PHỐI HỢP"))
    for column, (heading, width) in enumerate(headings, start=1):
        put(sheet, 3, column, heading, bold=True, align=CENTRE, fill=HEADER_FILL)
        sheet.column_dimensions[get_column_letter(column)].width = width
    row = 4
    for _section, tasks in report.annex_sections:
        for result in tasks:
            for answer in result.annex_answers:
                values = [text(result.task.number), text(result.task.title), text(answer.agency_name), text(answer.narrative)]
                for column, value in enumerate(values, start=1):
                    put(sheet, row, column, value, align=CENTRE if column == 1 else WRAP)
                put(sheet, row, 5, _("Có") if answer.taken_in else "", align=CENTRE)
                row += 1
    landscape(sheet, 3)


SELECTION_COLUMNS = [
    (gettext_lazy("Cơ quan"), 28),
    (gettext_lazy("Báo cáo"), 14),
    (gettext_lazy("Gửi lúc"), 16),
    (gettext_lazy("STT"), 7),
    (gettext_lazy("Nhiệm vụ"), 44),
    (gettext_lazy("Tình trạng"), 16),
    (gettext_lazy("Tỷ lệ hoàn thành (%)"), 12),
    (gettext_lazy("Giá trị đạt được"), 12),
    (gettext_lazy("Kết quả thực hiện"), 50),
    (gettext_lazy("Tài liệu kiểm chứng"), 30),
    (gettext_lazy("Khó khăn, vướng mắc"), 30),
]


def selected_reports_workbook(period, reports):
    """The reports a coordinator ticked in the review queue, as sent: a row per answer (the
    agency, its report's status and time, the task and every field of the answer), then each
    report's difficulties and proposals. `reports` come with agency and answers prefetched."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Báo cáo đã chọn")[:31]
    columns = [(str(heading), width) for heading, width in SELECTION_COLUMNS]
    last = len(columns)
    title(sheet, 1, last, _("CÁC BÁO CÁO ĐÃ CHỌN, KỲ %(period)s") % {"period": period.label.upper()})
    title(sheet, 2, last, _("Kế hoạch số %(number)s") % {"number": period.plan.document_number}, size=12, bold=False, italic=True)
    header = 4
    for column, (heading, width) in enumerate(columns, start=1):
        put(sheet, header, column, heading, bold=True, align=CENTRE, fill=HEADER_FILL)
        sheet.column_dimensions[get_column_letter(column)].width = width
    row = header + 1
    for report in reports:
        sent = timezone.localtime(report.submitted_at).strftime("%d/%m/%Y %H:%M") if report.submitted_at else ""
        for answer in report.answers:
            values = [
                text(report.agency.name),
                text(report.get_status_display()),
                sent,
                text(answer.task.number),
                text(answer.task.title),
                text(answer.get_status_display()),
            ]
            for column, value in enumerate(values, start=1):
                put(sheet, row, column, value, align=CENTRE if column in (2, 3, 4) else WRAP)
            put(sheet, row, 7, answer.percent_done, align=CENTRE, number_format="0")
            put(sheet, row, 8, answer.achieved_value, align=CENTRE, number_format="#,##0.##")
            for column, value in enumerate((answer.narrative, answer.evidence, answer.difficulties), start=9):
                put(sheet, row, column, text(value))
            row += 1
    landscape(sheet, header)
    notes = book.create_sheet(_("Khó khăn, đề xuất")[:31])
    for column, (heading, width) in enumerate(
        [(_("Cơ quan"), 28), (_("Khó khăn, vướng mắc"), 60), (_("Đề xuất, kiến nghị"), 60)], start=1
    ):
        put(notes, 1, column, heading, bold=True, align=CENTRE, fill=HEADER_FILL)
        notes.column_dimensions[get_column_letter(column)].width = width
    for row, report in enumerate(reports, start=2):
        for column, value in enumerate((report.agency.name, report.difficulties, report.proposals), start=1):
            put(notes, row, column, text(value))
    return workbook_bytes(book)
