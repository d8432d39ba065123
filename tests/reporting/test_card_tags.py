"""The reporting pages' tags ({% task_head %}, {% colleague_answers %}, {% punctuality_cells %})
write what the templates they replaced wrote (kept beside this file as the references), for
every optional part, both roles and both languages."""

import datetime
import types
from decimal import Decimal
from pathlib import Path

import pytest
from django.template import Context, Template
from django.test.html import parse_html
from django.utils import translation

from plans.models import Task

FAST = Template("{% load report_tags %}{% task_head row %}")
# The card's template before the tag replaced it.
REFERENCE = Template((Path(__file__).parent / "task_head_reference.html").read_text())

BARE = {"number": "1", "title": "Tuyên truyền", "timeframe_kind": Task.TimeframeKind.ONGOING}
FULL = {
    "number": "II.3<b>",
    "title": 'Rà soát "thủ tục" <script>\nở cấp xã & phường',
    "measure": "100% UBND cấp xã <i>",
    "measure_value": Decimal("100"),
    "timeframe_kind": Task.TimeframeKind.DEADLINE,
    "timeframe_text": "Quý III/2025 & IV",
    "due_date": datetime.date(2025, 9, 30),
    "expected_output": "Báo cáo <kết quả>",
}


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("role", ["lead", "coordinating"])
@pytest.mark.parametrize(
    "fields", [BARE, FULL, {**BARE, "timeframe_kind": Task.TimeframeKind.PERIODIC, "due_date": datetime.date(2025, 1, 5)}]
)
def test_the_task_head_is_written_as_its_template_wrote_it(fields, role, language):
    row = types.SimpleNamespace(task=Task(**fields), role=role)
    with translation.override(language):
        context = Context({"row": row})
        fast, reference = FAST.render(context), REFERENCE.render(context)
    assert parse_html(fast) == parse_html(reference)
    assert "<script>" not in fast and "<b>" not in fast  # the task's texts are escaped


def test_the_role_and_timeframe_are_translated():
    row = types.SimpleNamespace(task=Task(**BARE), role="lead")
    with translation.override("en"):
        html = FAST.render(Context({"row": row}))
    assert "Lead" in html and "Ongoing" in html and "Chủ trì" not in html


COLLEAGUES = Template("{% load report_tags %}{% colleague_answers row %}")
COLLEAGUES_REFERENCE = Template(
    "{% if row.colleagues %}" + (Path(__file__).parent / "colleagues_reference.html").read_text() + "{% endif %}"
)


def answer(agency_name, status, percent, narrative="", difficulties="", files=()):
    from plans.models import Agency
    from reporting.models import EvidenceFile, Report, TaskProgress

    made = TaskProgress(
        pk=len(agency_name), status=status, percent_done=percent, narrative=narrative, difficulties=difficulties,
        report=Report(agency=Agency(name=agency_name)),
    )  # fmt: skip
    made.evidence_files = [EvidenceFile(pk=pk, original_name=name) for pk, name in files]
    return made


@pytest.mark.parametrize("on_form", [True, False])  # the lead's form, or a page that only reads the report
@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize(
    "answers",
    [
        [],
        [answer("Sở Y tế", "", None)],
        [
            answer("Ủy ban MTTQ <tỉnh>", "completed", 100, "Đã triển khai\n6 buổi & <b>họp</b>", "Thiếu\nkinh phí",
                   [(7, "biên bản <1>.pdf"), (9, "ảnh.png")]),
            answer("Sở Tư pháp", "in_progress", 0, difficulties="Chưa có người"),
        ],
    ],
)  # fmt: skip
def test_colleagues_answers_are_written_as_their_template_wrote_them(answers, language, on_form):
    taken = answers[:1]  # the first taken in by the lead's answer
    row = types.SimpleNamespace(
        colleagues=answers,
        task=types.SimpleNamespace(pk=5),
        progress=types.SimpleNamespace(taken_in_list=taken),
        form=object() if on_form else None,
    )
    with translation.override(language):
        context = Context({"row": row, "taken": {a.pk for a in taken}})
        fast, reference = COLLEAGUES.render(context), COLLEAGUES_REFERENCE.render(context)
    assert parse_html(fast) == parse_html(reference)
    assert "<b>" not in fast and "<tỉnh>" not in fast
    assert ("-take_in" in fast) == (on_form and bool(answers))  # boxes only where they can be sent


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_punctuality_cells_are_written_as_their_template_wrote_them(language):
    """{% punctuality_cells %} against the template it replaced (kept beside this file)."""
    from pathlib import Path

    from django.template import Context, Template
    from django.test.html import parse_html

    from plans.models import Agency
    from reporting.progress import AgencyRecord, Entry, Punctuality

    reference = Template(
        "{% load i18n common_tags %}{% for record in records %}"
        + (Path(__file__).parent / "punctuality_reference.html").read_text()
        + "{% endfor %}"
    )
    fast = Template("{% load report_tags %}{% for record in records %}{% punctuality_cells record %}{% endfor %}")
    agency = Agency(name="Sở Y tế")
    cells = [
        (None, Punctuality.ON_TIME, Entry(agency, 11)),
        (None, Punctuality.LATE, Entry(agency, 12, 1)),
        (None, Punctuality.LATE, Entry(agency, 13, 9)),
        (None, Punctuality.MISSING, Entry(agency)),
        (None, Punctuality.PENDING, Entry(agency)),
    ]
    records = [AgencyRecord(agency, cells), AgencyRecord(agency, [(None, Punctuality.PENDING, Entry(agency))])]
    with translation.override(language):
        context = Context({"records": records, "Punctuality": Punctuality})
        assert parse_html(fast.render(context)) == parse_html(reference.render(context))


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_dashboards_task_rows_are_written_as_their_template_wrote_them(language, small_plan):
    """{% dashboard_task_row %} against the template it replaced (kept beside this file), over a
    plan with several leads, a group lead, no lead, difficulties, deadlines and ongoing tasks."""
    from plans.models import Plan, Task
    from reporting import progress

    plan = small_plan["plan"]
    Task.objects.filter(pk=small_plan["tasks"]["T4"].pk).update(title="Rà soát <b>thủ tục</b> & " + "từ " * 50)
    Task.objects.create(plan=plan, number="T9", order=9, title="Không nêu cơ quan", timeframe_kind="ongoing")
    states = progress.plan_progress(Plan.objects.get(pk=plan.pk), today=datetime.date(2020, 12, 20)).tasks
    assert any(len(s.leads) > 1 for s in states) and any(s.difficulties for s in states) and any(s.overdue for s in states)
    reference = Template(
        "{% load i18n common_tags %}{% for s in states %}"
        + (Path(__file__).parent / "dashboard_task_reference.html").read_text()
        + "{% endfor %}"
    )
    fast = Template("{% load report_tags %}{% for s in states %}{% dashboard_task_row s %}{% endfor %}")
    with translation.override(language):
        context = Context({"states": states})
        written, expected = fast.render(context), reference.render(context)
    assert parse_html(written) == parse_html(expected)
    assert "<b>" not in written and "&lt;b&gt;" in written  # the task's title is escaped
