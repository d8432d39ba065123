"""The load test's latency targets, on locust's statistics (no server started): every request
type's p95 under 1 s, the login's under 2 s; `--strict` fails on a miss and on a busy machine."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from devtools.loadtest import verify


def row(name, p95, count=10):
    return {"Name": name, "Request Count": str(count), "95%": str(p95)}


def test_each_request_type_is_held_to_its_p95_target():
    stats = [
        row("reporter: log in", 1900),
        row("coordinator: log in", 2100),
        row("reporter: save", 990),
        row("reporter: submit", 1000),
        row("reporter: login page", 1500),  # the form is a page like any other: 1 s
        row("coordinator: accept", 5000, count=0),  # never made: nothing to judge
        row("Aggregated", 3000),
    ]
    assert verify.latency_checks(stats) == [
        ("reporter: log in: p95 1900 ms < 2000 ms", True),
        ("coordinator: log in: p95 2100 ms < 2000 ms", False),
        ("reporter: save: p95 990 ms < 1000 ms", True),
        ("reporter: submit: p95 1000 ms < 1000 ms", False),
        ("reporter: login page: p95 1500 ms < 1000 ms", False),
    ]


def test_strict_refuses_a_busy_machine(monkeypatch, settings):
    settings.DEBUG = True
    monkeypatch.setattr("os.getloadavg", lambda: (3.5, 3.0, 2.0))
    with pytest.raises(CommandError, match=r"busy \(load average 3.50 > 0.5\)"):
        call_command("load_test", strict=True, duration=1)
