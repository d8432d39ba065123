"""The load test command, at a small scale so it cannot rot: it starts gunicorn on the test
database, runs locust, and checks the database against what the server acknowledged."""

import re

import pytest
from django.core.management import call_command

from devtools.loadtest import data
from reporting.models import Report

pytestmark = [pytest.mark.servers]


def test_a_small_load_test_passes_and_leaves_its_reports(shared_database, capsys, tmp_path):
    call_command("load_test", reporters=5, coordinators=2, duration=30, workers=2, force=True, output=str(tmp_path))
    out = capsys.readouterr().out
    assert "PASS:" in out
    assert "Aggregated" in out and "reporter: save" in out and "coordinator: review queue" in out
    # Each request type with its median, p95 and p99. The latency targets (p95 under 1 s, the
    # login's under 2 s) are reported but not enforced here: CI shares its cores with the suite;
    # `--strict` enforces them on a machine with nothing else running (README).
    assert re.search(r"reporter: save +\d+ +\d+ +[\d.]+ +\d+ +\d+ +\d+", out)
    assert re.search(r"Latency targets \(.*\): \d+ of \d+ met", out)
    plan = data.load_test_plan()
    reports = Report.objects.filter(period__plan=plan)
    assert 1 <= reports.count() <= 5
    assert not reports.exclude(version__gte=1).exists()  # each holds at least one save
    assert (tmp_path / "locust_stats.csv").exists() and (tmp_path / "journal.jsonl").stat().st_size > 0
