"""The {% task_head %} tag writes what the card's template wrote before it (kept below as the
reference), for every optional part, both roles and both languages."""

import datetime
import types
from decimal import Decimal
from pathlib import Path

import pytest
from django.template import Context, Template
from django.test.html import parse_html
from django.utils import translation

from plans.models import Task

FAST = Template("{% load papi %}{% task_head row %}")
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
