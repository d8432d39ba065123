"""The benchmark command at a small scale, so it cannot rot: it measures every key page as
each kind of user on the demo plan and on the largest plan, finds no more queries on the
largest, runs the exports and the 1,000-row import, and leaves nothing behind. Its timings are
not asserted here: they are figures to read, on the benchmark machine (README)."""

import datetime
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from devtools import benchmark, simulation
from papi_tracker.limits import MAX_TASKS_PER_PLAN
from plans.models import Plan, Task
from reporting.models import Report

pytestmark = pytest.mark.django_db

PAGES = {
    ("trivial", "reporter"), ("trivial", "coordinator"), ("trivial", "administrator"),
    ("home", "reporter"), ("home", "coordinator"), ("home", "administrator"),
    ("report form", "reporter"), ("review queue", "coordinator"), ("review queue", "administrator"),
    ("plan dashboard", "coordinator"), ("plan dashboard", "administrator"),
    ("province page", "reporter"), ("province page", "coordinator"), ("province page", "administrator"),
    ("national view", "administrator"),
}  # fmt: skip


@pytest.fixture
def national(db):
    simulation.generate(simulation.SMALL, seed=3, today=datetime.date(2026, 11, 23))


def test_it_measures_every_key_page_on_both_plans_and_the_query_counts_agree(national):
    counts = (get_user_model().objects.count(), Plan.objects.count(), Task.objects.count(), Report.objects.count())
    results = benchmark.run(repeat=2, export_runs=1, log=lambda line: None)
    assert list(results.sizes) == ["demo", "largest"]
    for subject in ("demo", "largest"):
        assert {(f.page, f.user) for f in results.pages if f.subject == subject} == PAGES
    assert all(f.status == 200 and f.queries > 0 and f.p95_ms >= f.median_ms > 0 for f in results.pages)
    # Every key page is judged against trivial requests made in turn with its own.
    assert all((f.reference_ms or 0) > 0 for f in results.pages if f.page != "trivial")
    median_checks = [check for check, _ in results.verdicts() if "median" in check]
    assert len(median_checks) == 2 * (len(PAGES) - 3) and all("the trivial page beside it" in c for c in median_checks)
    query_checks = [(check, passed) for check, passed in results.verdicts() if "queries on largest" in check]
    assert len(query_checks) == len(PAGES) and all(passed for _, passed in query_checks), query_checks
    assert [what for subject, what, _, _ in results.exports if subject == "largest"] == [
        "compiled report Excel",
        "compiled report PDF",
        f"plan import, {MAX_TASKS_PER_PLAN} rows",
    ]
    # Its users, the import's plan and its 1,000 tasks were rolled back.
    assert (get_user_model().objects.count(), Plan.objects.count(), Task.objects.count(), Report.objects.count()) == counts


def test_the_command_prints_the_table_and_the_targets(national):
    out = io.StringIO()
    call_command("benchmark", repeat=1, export_runs=1, stdout=out)
    text = out.getvalue()
    assert re.search(r"largest +national view +administrator +[\d.]+ +[\d.]+ +\d+", text)
    assert re.search(rf"demo +plan import, {MAX_TASKS_PER_PLAN} rows +[\d.]+", text)
    assert re.search(r"Targets: \d+ of \d+ met\.", text)


def test_a_wrong_count_of_requests_is_refused():
    with pytest.raises(Exception, match="at least 1"):
        call_command("benchmark", repeat=0)


def test_the_percentile_is_the_nearest_rank():
    samples = list(range(1, 21))  # 1 … 20
    assert benchmark.percentile(samples, 0.95) == 19
    assert benchmark.percentile(samples, 0.5) == 10
    assert benchmark.percentile([7], 0.95) == 7
