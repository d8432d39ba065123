"""A plan's progress as CSV, from the dashboard's own data (progress.plan_progress), so the
file and the page never disagree: the dimensions' table, then the tasks' table.

UTF-8 with a byte-order mark, so Excel reads Vietnamese; numbers as the page writes them
(scores with two decimals and a decimal comma, percents whole, rounded as `progress.percent`).
Only what the page shows: no narratives, difficulties, people or files.
"""

import csv
import io

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from .progress import Signal, percent

BOM = "\ufeff"
# A cell a spreadsheet would run as a formula ("=…", "+…", "-…", "@…"; OWASP's CSV injection):
# written with a leading apostrophe, so a task titled "- Tuyên truyền…" or "=HYPERLINK(…)" stays text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _text(value):
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_START) else value


class _TextWriter:
    """csv.writer whose every text cell goes through _text."""

    def __init__(self, out):
        self.writer = csv.writer(out)

    def writerow(self, row):
        self.writer.writerow([_text(value) for value in row])


def _score(value):
    return "" if value is None else number_format(value, decimal_pos=2, use_l10n=True)


def _dimension_name(row):
    return f"{row.dimension.number}. {row.dimension.name}" if row.dimension else _("Chỉ đạo, điều hành chung")


def _answered_percent(state):
    """The mean percent done of the agencies' latest answers that give one (a whole percent), or ""."""
    given = [a.percent_done for a in state.answers.values() if a.percent_done is not None]
    return percent(sum(given), 100 * len(given)) if given else ""


def plan_progress_csv(state):
    """Bytes of the CSV for a PlanProgress."""
    out = io.StringIO()
    out.write(BOM)
    writer = _TextWriter(out)
    plan = state.plan
    period = state.period.label if state.period else _("chưa có kỳ báo cáo")
    writer.writerow([_("Kế hoạch"), plan.document_number, plan.title])
    writer.writerow([_("Tỉnh, thành phố"), plan.province.name, _("Kỳ báo cáo"), period])
    writer.writerow([])
    writer.writerow(
        [
            _("Chỉ số nội dung"),
            _("Điểm năm cơ sở"),
            _("Điểm mục tiêu"),
            _("Điểm kết quả"),
            _("Số nhiệm vụ"),
            _("Đã hoàn thành"),
            _("Đang thực hiện"),
            _("Chưa thực hiện"),
            _("Quá hạn"),
            _("Tỷ lệ hoàn thành (%)"),
            _("Đánh giá"),
        ]
    )
    for row in state.dimensions:
        tasks = row.tasks
        writer.writerow(
            [
                _dimension_name(row),
                _score(row.baseline),
                _score(row.target_score),
                _score(row.actual),
                tasks.total,
                tasks.completed,
                tasks.in_progress,
                tasks.not_started,
                tasks.overdue,
                tasks.completed_percent,
                str(Signal.LABELS[row.signal]),
            ]
        )
    tally = state.tally
    writer.writerow(
        [_("Tổng"), "", "", "", tally.total, tally.completed, tally.in_progress, tally.not_started, tally.overdue,
         tally.completed_percent, ""]
    )  # fmt: skip
    writer.writerow([])
    writer.writerow(
        [
            _("Chỉ số nội dung"),
            _("STT"),
            _("Nhiệm vụ"),
            _("Cơ quan chủ trì"),
            _("Hạn hoàn thành"),
            _("Tình trạng"),
            _("Quá hạn"),
            _("Cơ quan chủ trì đã hoàn thành"),
            _("Số cơ quan chủ trì"),
            _("Tỷ lệ hoàn thành theo báo cáo (%)"),
        ]
    )
    names = {row.dimension.pk: _dimension_name(row) for row in state.dimensions if row.dimension}
    for task_state in state.tasks:
        task = task_state.task
        leads = "; ".join(str(a.agency or a.group) for a in task_state.lead_assignments) or _("Không nêu")
        writer.writerow(
            [
                names.get(task.dimension_id, _("Chỉ đạo, điều hành chung")),
                task.number,
                task.title,
                leads,
                task.due_date.strftime("%d/%m/%Y") if task.due_date else str(task.timeframe_label),
                str(task_state.status_label),
                _("Có") if task_state.overdue else "",
                task_state.leads_completed,
                len(task_state.leads),
                _answered_percent(task_state),
            ]
        )
    return out.getvalue().encode("utf-8")
