"""The reporting pages' repeated parts, written in Python rather than in templates of their
own: a report page has a card per task (its head, its colleagues' answers) and a dashboard a
cell per agency and period, hundreds of them, and each template cost more than the rest of
its row. Each tag's test holds its output equal to the template it replaced."""

from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext, pgettext

from papi_tracker.labels import label_of
from plans.templatetags.papi import page_memo, url_for

from ..progress import Punctuality

register = template.Library()


@register.simple_tag(takes_context=True)
def task_head(context, row):
    """A task card's head: number, title, the agency's role (row.role: "lead" or
    "coordinating"), measure, timeframe and expected output. Written here, not in a template
    of its own: a report page has one per task."""
    memo = page_memo(context)
    words = memo.get("task_head")
    if words is None:
        words = memo["task_head"] = {
            "lead": escape(gettext("Chủ trì")),
            "coordinating": escape(gettext("Phối hợp")),
            "measure": escape(pgettext("task measure", "Chỉ tiêu")),
            "time": escape(gettext("Thời gian")),
            "due": escape(gettext("hạn")),
            "output": escape(gettext("Kết quả, sản phẩm")),
        }
    task = row.task
    role = "lead" if row.role == "lead" else "coordinating"
    timeframe = escape(task.timeframe_text or label_of(task.TimeframeKind, task.timeframe_kind))
    if task.due_date:
        timeframe += f" ({words['due']} {date_format(task.due_date, 'SHORT_DATE_FORMAT')})"
    facts = []
    if task.measure:
        facts.append(f"<div><dt>{words['measure']}</dt><dd>{escape(task.measure)}</dd></div>")
    facts.append(f"<div><dt>{words['time']}</dt><dd>{timeframe}</dd></div>")
    if task.expected_output:
        facts.append(f"<div><dt>{words['output']}</dt><dd>{escape(task.expected_output)}</dd></div>")
    return mark_safe(
        f'<div class="task-head"><span class="task-number">{escape(task.number)}</span>'
        f'<div class="task-title">{linebreaksbr(task.title, autoescape=True)}</div>'
        f'<span class="badge badge-role-{role}">{words[role]}</span></div>'
        f'<dl class="task-facts">{"".join(facts)}</dl>'
    )


@register.simple_tag(takes_context=True)
def colleague_answers(context, row):
    """What the other agencies answered on a task the reporter leads (row.colleagues: answers
    with report.agency and evidence_files), folded under a summary. In Python like
    {% task_head %}: a lead may read a hundred answers on one page."""
    if not row.colleagues:
        return ""
    memo = page_memo(context)
    difficulties = memo.get("colleague_difficulties")
    if difficulties is None:
        difficulties = memo["colleague_difficulties"] = escape(gettext("Khó khăn, vướng mắc:"))
    count = len(row.colleagues)
    summary = ngettext("Kết quả của %(n)s cơ quan phối hợp", "Kết quả của %(n)s cơ quan phối hợp", count) % {"n": count}
    parts = [f'<details class="colleagues"><summary>{escape(summary)}</summary>']
    for answer in row.colleagues:
        status = label_of(answer.Status, answer.status) if answer.status else "—"
        line = f"<strong>{escape(answer.report.agency.name)}</strong> · {escape(status)}"
        if answer.percent_done is not None:
            line += f" · {answer.percent_done} %"
        if answer.narrative:
            line += f"<div>{linebreaksbr(answer.narrative, autoescape=True)}</div>"
        if answer.difficulties:
            line += f'<div class="sub">{difficulties} {linebreaksbr(answer.difficulties, autoescape=True)}</div>'
        for evidence in answer.evidence_files:
            line += f'<a href="{url_for(evidence.pk, "evidence_download")}">{escape(evidence.original_name)}</a> '
        parts.append(f'<div class="colleague">{line}</div>')
    parts.append("</details>")
    return mark_safe("".join(parts))


@register.simple_tag
def punctuality_cells(record):
    """The row's cells after the agency's name: each period's state (linked to the report once
    sent), then the on-time count against the periods due."""
    cells = []
    for _period, state, entry in record.cells:
        if state == Punctuality.ON_TIME:
            text = "✓"
        elif state == Punctuality.LATE:
            text = escape(ngettext("trễ %(n)s ngày", "trễ %(n)s ngày", entry.days_late) % {"n": entry.days_late})
        elif state == Punctuality.MISSING:
            text = escape(gettext("chưa gửi"))
        else:
            text = "·"
        if entry.report_id:
            text = f'<a href="{url_for(entry.report_id, "report_detail")}">{text}</a>'
        cells.append(f'<td class="num cell-{escape(state)}">{text}</td>')
    rate = f' <span class="sub">({record.on_time_rate} %)</span>' if record.due else ""
    cells.append(f'<td class="num">{record.on_time_count}/{record.due}{rate}</td>')
    return mark_safe("".join(cells))
