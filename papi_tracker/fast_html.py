"""HTML written in Python instead of templates: a measured performance boundary, and the one
module where the pages' template pieces are written by hand (the admin's few links aside).

Each piece stands for a template (or Django's own rendering) that a long page repeats hundreds
of times, where the template cost more than the rest of its row. Measured on the largest plan
(README, "What got there"):

- `field`, a form field's label, widget and errors without Django's template per widget and
  label: the report form 903 → 80–118 ms;
- `task_head` and `colleague_answers`, a task card's head and its colleagues' answers on the
  report form (with the task forms sharing their fields): 118 → 41–67 ms;
- `punctuality_cells`, the dashboard's punctuality table: the largest plan's dashboard
  60–81 → 41–49 ms;
- `dashboard_task_row`, a row of the dashboard's task list (each row's template translated its
  labels and choices again, truncated and linked through filters): a third of the largest
  plan's dashboard's function calls gone (1.14 → 0.78 million for five views, 3/12/2026);
- `url_for`, a link reversed once per URL name instead of a `{% url %}` per cell: part of the
  dashboard's 300–350 → 48–54 ms.

Rules for what is here: every text is escaped (`escape`, `conditional_escape`,
`linebreaksbr(autoescape=True)`) and translated once per page (`page_memo`); each piece is held
equal to Django's output or to the template it replaced by a test (`tests/plans/test_field_tag.py`,
`tests/reporting/test_card_tags.py`, with the reference templates beside it). The tag libraries
(`common_tags`, `report_tags`) only hand these functions their arguments. Anything not on such a
hot path is a template. This module imports nothing of the apps (it sits below them): it reads
the objects it is given.
"""

from django import forms
from django.template.defaultfilters import linebreaksbr, truncatewords
from django.urls import get_script_prefix, reverse
from django.utils.formats import date_format
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext, pgettext

from .labels import label_of

# Forms


def field(memo, bound):
    """A form field's label, widget and errors, as Django would write them, for text inputs,
    text areas and single selects (anything else goes through Django's own rendering). Django
    renders each widget and label through a template of its own, and translates each label
    again for each form: a report form's hundreds of fields made its page slow. Here each
    label and list of options is translated and escaped once per page."""
    widget = bound.field.widget
    attrs = _attributes(bound.build_widget_attrs({**widget.attrs, "id": bound.auto_id}))
    name = escape(bound.html_name)
    value = bound.value()
    if isinstance(widget, forms.Textarea):
        control = f'<textarea name="{name}"{attrs}>\n{escape(widget.format_value(value) or "")}</textarea>'
    elif isinstance(widget, forms.Select) and not widget.allow_multiple_selected and not _grouped(bound.field.choices):
        chosen = "" if value is None else str(value)
        options = "".join(
            f'<option value="{key}"{" selected" if raw == chosen else ""}>{label}</option>'
            for raw, key, label in _options(bound.field.choices, memo)
        )
        control = f'<select name="{name}"{attrs}>{options}</select>'
    elif isinstance(widget, forms.widgets.Input) and widget.input_type in ("text", "number", "email", "date", "hidden"):
        shown = widget.format_value(value)
        shown = f' value="{escape(shown)}"' if shown is not None else ""
        control = f'<input type="{widget.input_type}" name="{name}"{shown}{attrs}>'
    elif isinstance(widget, forms.ClearableFileInput) and not widget.is_initial(value):
        control = f'<input type="file" name="{name}"{attrs}>'
    else:
        control = str(bound)
    errors = bound.errors
    return mark_safe(f"{_label(bound, memo)} {control}{errors if errors else ''}")


MEMO = "papi.fast_html"


def page_memo(context):
    """What the pieces keep for the page being rendered (translated labels, options): the tags
    pass it from their template context."""
    memo = context.render_context.get(MEMO)
    if memo is None:
        memo = context.render_context[MEMO] = {}
    return memo


def _attributes(attrs):
    """What django.forms.utils.flatatt writes (True: the bare name; False and None: nothing)."""
    parts = []
    for key, value in attrs.items():
        if value is True:
            parts.append(f" {key}")
        elif value is not False and value is not None:
            parts.append(f' {key}="{escape(value)}"')
    return "".join(parts)


def _grouped(choices):
    """Whether the choices have option groups (left to Django's rendering)."""
    return isinstance(choices, (list, tuple)) and any(isinstance(label, (list, tuple)) for _key, label in choices)


def _options(choices, memo):
    """[(value, escaped value, escaped label)]; a fixed list's are kept for the page (forms
    copy their fields, but the copies share the label objects)."""
    if not isinstance(choices, (list, tuple)):  # e.g. a queryset's: read afresh
        return [_option(k, label) for k, label in choices]
    key = ("options", tuple((k, id(label)) for k, label in choices))
    if key not in memo:  # kept with the choices, so that no id in the key is reused
        memo[key] = ([_option(k, label) for k, label in choices], choices)
    return memo[key][0]


def _option(key, label):
    """(value as compared, value as written, label as written); None is written empty, as Django does."""
    value = "" if key is None else str(key)
    return value, escape(value), conditional_escape(label)


def _label(bound, memo):
    """What BoundField.label_tag() writes, without its template."""
    suffix = bound.field.label_suffix if bound.field.label_suffix is not None else bound.form.label_suffix
    key = ("label", id(bound.label), suffix)
    if key not in memo:
        contents = conditional_escape(bound.label)
        if suffix and contents and contents[-1] not in ":?.!":
            contents += conditional_escape(suffix)
        memo[key] = (contents, bound.label)  # the label is kept alive, so its id is not reused
    contents = memo[key][0]
    target = bound.field.widget.id_for_label(bound.auto_id) if bound.auto_id else ""
    return f'<label for="{escape(target)}">{contents}</label>' if target else f"<label>{contents}</label>"


def url_for(pk, name):
    """{% url name pk %} for a URL whose only argument is a whole number, reversed once per
    name: a dashboard links hundreds of cells to their reports, and each {% url %} walks the
    URL map again."""
    prefix = get_script_prefix()
    pattern = _URL_PATTERNS.get((name, prefix))
    if pattern is None:
        pattern = _URL_PATTERNS[(name, prefix)] = reverse(name, args=[_PLACEHOLDER]).replace(str(_PLACEHOLDER), "{}")
    return pattern.format(int(pk))


_PLACEHOLDER = 987654321
_URL_PATTERNS = {}


# Reporting pages


def task_head(memo, row):
    """A task card's head: number, title, the agency's role (row.role: "lead" or
    "coordinating"), measure, timeframe and expected output. Written here, not in a template
    of its own: a report page has one per task."""
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
    timeframe = escape(task.timeframe_label)
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


def colleague_answers(memo, row):
    """What the other agencies answered on a task the reporter leads (row.colleagues: answers
    with report.agency and evidence_files), folded under a summary. In Python like
    {% task_head %}: a lead may read a hundred answers on one page."""
    if not row.colleagues:
        return ""
    difficulties = memo.get("colleague_difficulties")
    if difficulties is None:
        difficulties = memo["colleague_difficulties"] = escape(gettext("Khó khăn, vướng mắc:"))
    take = memo.get("colleague_take")
    if take is None:
        take = memo["colleague_take"] = (
            escape(gettext("Tiếp thu vào báo cáo")),
            escape(gettext("Chèn vào kết quả")),
            escape(gettext("Đã tiếp thu")),
        )
    taken = {answer.pk for answer in getattr(row.progress, "taken_in_list", ())}
    count = len(row.colleagues)
    summary = ngettext("Kết quả của %(n)s cơ quan phối hợp", "Kết quả của %(n)s cơ quan phối hợp", count) % {"n": count}
    parts = [f'<details class="colleagues"{" open" if taken else ""}><summary>{escape(summary)}</summary>']
    task = row.task.pk
    for answer in row.colleagues:
        status = label_of(answer.Status, answer.status) if answer.status else "—"
        name = escape(answer.report.agency.name)
        line = f"<strong>{name}</strong> · {escape(status)}"
        if answer.percent_done is not None:
            line += f" · {answer.percent_done}\u00a0%"
        if answer.narrative:
            line += f'<div data-narrative data-agency="{name}">{linebreaksbr(answer.narrative, autoescape=True)}</div>'
        # On the form (rows with their form), the lead takes the answer into its own: recorded by
        # the box; the button (report_form.js) appends the text to the lead's result, to edit into
        # one answer. A page that only reads the report says which were taken in.
        if getattr(row, "form", None) is None:
            if answer.pk in taken:
                line += f'<div class="take-in sub">✓ {take[2]}</div>'
        else:
            checked = " checked" if answer.pk in taken else ""
            line += (
                f'<div class="take-in"><label><input type="checkbox" name="t{task}-take_in" value="{answer.pk}"{checked}> '
                f"{take[0]}</label>"
            )
            if answer.narrative:
                line += f' <button type="button" class="link" data-take-in="t{task}-narrative" hidden>{take[1]}</button>'
            line += "</div>"
        if answer.difficulties:
            line += f'<div class="sub">{difficulties} {linebreaksbr(answer.difficulties, autoescape=True)}</div>'
        for evidence in answer.evidence_files:
            line += f'<a href="{url_for(evidence.pk, "evidence_download")}">{escape(evidence.original_name)}</a> '
        parts.append(f'<div class="colleague">{line}</div>')
    parts.append("</details>")
    return mark_safe("".join(parts))


def punctuality_cells(record, states):
    """The row's cells after the agency's name: each period's state (linked to the report once
    sent), then the on-time count against the periods due. states: the states' codes
    (reporting.progress.Punctuality; this module sits below reporting)."""
    cells = []
    for _period, state, entry in record.cells:
        if state == states.ON_TIME:
            text = "✓"
        elif state == states.LATE:
            text = escape(ngettext("trễ %(n)s ngày", "trễ %(n)s ngày", entry.days_late) % {"n": entry.days_late})
        elif state == states.MISSING:
            text = escape(gettext("chưa gửi"))
        else:
            text = "·"
        if entry.report_id:
            text = f'<a href="{url_for(entry.report_id, "report_detail")}">{text}</a>'
        cells.append(f'<td class="num cell-{escape(state)}">{text}</td>')
    rate = f' <span class="sub">({record.on_time_rate}\u00a0%)</span>' if record.due else ""
    cells.append(f'<td class="num">{record.on_time_count}/{record.due}{rate}</td>')
    return mark_safe("".join(cells))


def dashboard_task_row(memo, s):
    """A row of the dashboard's task list (s: a reporting.progress.TaskState): number, title,
    lead agencies (how many of several have completed), deadline, status and the difficulties
    the agencies raised, each linked to its report. A plan's dashboard lists every task."""
    words = memo.get("dashboard_task_row")
    if words is None:
        words = memo["dashboard_task_row"] = {
            "lead": escape(gettext("Cơ quan chủ trì")),
            "deadline": escape(gettext("Thời hạn")),
            "status": escape(gettext("Tình trạng")),
            "difficulties": escape(gettext("Khó khăn, vướng mắc")),
            "unstated": escape(gettext("Không nêu")),
            "overdue": escape(gettext("Quá hạn")),
        }
    task = s.task
    leads = "".join(f"<div>{conditional_escape(a.agency or a.group)}</div>" for a in s.lead_assignments) or words["unstated"]
    if len(s.leads) > 1:
        done = gettext("%(done)s/%(total)s cơ quan đã hoàn thành") % {"done": s.leads_completed, "total": len(s.leads)}
        leads += f'\n        <div class="sub">{escape(done)}</div>'
    if task.due_date:
        deadline = date_format(task.due_date, "SHORT_DATE_FORMAT")
    else:
        deadline = escape(label_of(type(task).TimeframeKind, task.timeframe_kind))
    status = f'<span class="badge badge-{escape(s.status)}">{escape(s.status_label)}</span>'
    if s.overdue:
        status += f' <span class="badge badge-overdue">{words["overdue"]}</span>'
    difficulties = "".join(
        f'<div class="sub"><a href="{url_for(a.report_id, "report_detail")}#task-{int(task.pk)}">'
        f"{escape(a.agency.name if a.agency and a.agency.name else '—')}</a>: {escape(truncatewords(a.difficulties, 30))}</div>"
        for a in s.difficulties
    )
    number = escape(task.number)
    return mark_safe(
        f'<tr data-task="{number}">\n      <td class="nowrap number">{number}</td>\n'
        f'      <td class="wrap lead">{escape(truncatewords(task.title, 40))}</td>\n'
        f'      <td class="agencies" data-label="{words["lead"]}">{leads}</td>\n'
        f'      <td class="nowrap" data-label="{words["deadline"]}">{deadline}</td>\n'
        f'      <td data-label="{words["status"]}">{status}</td>\n'
        f'      <td class="difficulties" data-label="{words["difficulties"]}">{difficulties}</td>\n    </tr>'
    )
