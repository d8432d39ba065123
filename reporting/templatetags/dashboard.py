"""The dashboard's punctuality table, a row per agency and a cell per period: written here,
like the task card's tags in `papi`, because a province's hundred and twenty agencies make
hundreds of cells, and each cell's template cost more than the rest of its row."""

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

from plans.templatetags.papi import url_for

from ..progress import Punctuality

register = template.Library()


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
