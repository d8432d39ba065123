"""The reporting pages' repeated parts (`{% load report_tags %}`): a report page has a card per
task (its head, its colleagues' answers) and a dashboard a cell per agency and period, hundreds
of them. Their HTML is written in `papi_tracker.fast_html`, with the reasons and the measured
gains; these tags hand it the page's memo."""

from django import template

from papi_tracker import fast_html

from ..progress import Punctuality

register = template.Library()


@register.simple_tag(takes_context=True)
def task_head(context, row):
    """A task card's head: number, title, the agency's role (row.role: "lead" or
    "coordinating"), measure, timeframe and expected output."""
    return fast_html.task_head(fast_html.page_memo(context), row)


@register.simple_tag(takes_context=True)
def colleague_answers(context, row):
    """What the other agencies answered on a task the reporter leads (row.colleagues: answers
    with report.agency and evidence_files), folded under a summary."""
    return fast_html.colleague_answers(fast_html.page_memo(context), row)


@register.simple_tag
def punctuality_cells(record):
    """The row's cells after the agency's name: each period's state (linked to the report once
    sent), then the on-time count against the periods due."""
    return fast_html.punctuality_cells(record, Punctuality)


@register.simple_tag(takes_context=True)
def dashboard_task_row(context, state):
    """A row of the dashboard's task list: number, title, leads, deadline, status, difficulties."""
    return fast_html.dashboard_task_row(fast_html.page_memo(context), state)
