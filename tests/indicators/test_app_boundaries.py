"""The import graph runs one way (indicators ← plans ← reporting): indicators' pages ask plans
through indicators.hooks, and the hand-written HTML (papi_tracker.fast_html) imports no app."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def imported_modules(path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            yield node.module


@pytest.mark.parametrize(
    "module",
    [
        "views.py",
        "urls.py",
        "forms.py",
        "hooks.py",
        "score_import.py",
        "history.py",
        "charts.py",
        "standings.py",
        "sub_dimensions.py",
    ],  # fmt: skip
)
def test_indicators_pages_import_nothing_of_plans(module):
    imported = list(imported_modules(ROOT / "indicators" / module))
    assert not [name for name in imported if name.split(".")[0] in ("plans", "reporting")]


def test_the_hand_written_html_imports_no_app():
    imported = list(imported_modules(ROOT / "papi_tracker" / "fast_html.py"))
    assert not [name for name in imported if name.split(".")[0] in ("accounts", "indicators", "plans", "reporting")]


def test_plans_answers_indicators_hooks():
    from indicators import hooks
    from plans import access, targets

    assert hooks._answers == {"may_import_scores": access.may_import_scores, "visible_targets": targets.visible_targets}
