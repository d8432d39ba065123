"""The benchmark command at a small scale, so it cannot rot: it measures every page a user
opens (the permission matrix's GET URLs, the admin's change lists and pages), the POSTs a user
makes and the dashboard right after each, as each kind of user on the demo plan and on the
largest plan, runs the files and the import, says why it leaves any URL out, and leaves nothing
behind. Its timings are not asserted here: they are figures to read, on the benchmark machine
(README)."""

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
from tests.test_permissions import MATRIX, POSTS

pytestmark = pytest.mark.django_db

POST_ROUND = {
    ("POST save draft", "reporter"), ("POST submit", "reporter"), ("POST submit again", "reporter"),
    ("POST return", "coordinator"), ("POST accept", "coordinator"),
    ("dashboard after submit", "coordinator"), ("dashboard after return", "coordinator"),
    ("dashboard after accept", "coordinator"),
    ("report page (sent)", "coordinator"), ("report page (sent)", "reporter"),
    ("report thread (sent)", "coordinator"), ("task thread (sent)", "reporter"), ("POST comment", "coordinator"),
}  # fmt: skip
ADMIN = {(f"admin {model} {what}", kind) for _app, model, _obj in benchmark.ADMIN_MODELS
         for what in ("list", "page") for kind in benchmark.MANAGERS}  # fmt: skip
PAGES = {(label, kind) for label, kinds, _url in benchmark.PAGES.values() for kind in kinds}


@pytest.fixture
def national(db):
    simulation.generate(simulation.SMALL, seed=3, today=datetime.date(2026, 11, 23))


@pytest.fixture
def measured(monkeypatch):
    """The Results of the command's run."""
    kept = []
    run = benchmark.run

    def keep(**kwargs):
        kept.append(run(**kwargs))
        return kept[-1]

    monkeypatch.setattr(benchmark, "run", keep)
    return kept


def test_it_measures_every_page_and_post_on_both_plans_and_leaves_nothing(national, measured):
    counts = (get_user_model().objects.count(), Plan.objects.count(), Task.objects.count(), Report.objects.count())
    out = io.StringIO()
    call_command("benchmark", repeat=1, export_runs=1, stdout=out)
    (results,) = measured
    assert list(results.sizes) == ["demo", "largest"]
    for subject in ("demo", "largest"):
        found = {(f.page, f.user) for f in results.pages if f.subject == subject}
        # The admin's report and answer pages need a sent report in the period, and say so when there is none.
        missing = (PAGES | ADMIN | POST_ROUND) - found
        assert found <= PAGES | ADMIN | POST_ROUND and {page for page, _kind in missing} <= {
            "admin report page",
            "admin taskprogress page",
        }
        assert all(f"{subject} · {page}: the plan has none in the period yet" in results.skipped for page, _kind in missing)
    assert all(f.status in (200, 302) and f.queries > 0 and f.p95_ms >= f.median_ms > 0 for f in results.pages)
    # Every page and POST is judged against trivial requests made in turn with its own, at 5×.
    assert all((f.reference_ms or 0) > 0 for f in results.pages if f.page != "trivial")
    median_checks = [check for check, _ in results.verdicts() if ": median" in check]
    assert len(median_checks) == len(results.pages) - 2 * 3  # all but the trivial pages
    assert all("(5 × " in c and "the trivial page beside it" in c for c in median_checks)
    assert len([c for c, _ in results.verdicts() if c.endswith("< 150 ms")]) == len(median_checks)
    # The app's pages and POSTs run as many queries on the largest plan as on the demo plan
    # (the admin's pages are the admin classes', checked in the full-scale run).
    query_checks = [(c, passed) for c, passed in results.verdicts() if "queries on largest" in c]
    assert len(query_checks) >= len(PAGES | POST_ROUND)
    assert all(passed for check, passed in query_checks if not check.startswith("admin ")), query_checks
    assert [what for subject, what, _, _ in results.exports if subject == "largest"] == [
        *(label for label, *_ in benchmark.FILES.values()),
        "POST compiled report PDF",
        f"plan import, {MAX_TASKS_PER_PLAN} rows: upload + POST confirm",
        "  of which the POST confirm",
    ]
    # Its users, the import's plan and its tasks, every POST's writes were rolled back.
    assert (get_user_model().objects.count(), Plan.objects.count(), Task.objects.count(), Report.objects.count()) == counts

    text = out.getvalue()
    assert re.search(r"national view +administrator +\| +[\d.]+ +\d+ +\d+ +[\d.]+ \| +[\d.]+ +\d+ +\d+ +[\d.]+", text)
    assert re.search(r"dashboard after submit +coordinator +\|", text)
    assert re.search(rf"demo +plan import, {MAX_TASKS_PER_PLAN} rows: upload \+ POST confirm +[\d.]+", text)
    assert re.search(r"Targets: \d+ of \d+ met\.", text)
    assert "Not measured, and why:" in text and re.search(r"\n  health +the load balancer's check", text)


def test_every_url_is_measured_or_left_out_with_a_reason():
    assert benchmark.unexplained_urls() == [], "measure these URLs in devtools/benchmark.py or say why not (NOT_MEASURED)"
    posted = {name for name, (method, *_rest) in MATRIX.items() if method == "post"} | set(POSTS)
    explained = benchmark.POSTED | set(benchmark.NOT_MEASURED) | set(benchmark.POSTS_NOT_MEASURED)
    assert posted - explained == set(), "say why the benchmark does not make these POSTs (POSTS_NOT_MEASURED)"


def test_an_unexplained_url_is_a_missed_target(monkeypatch):
    monkeypatch.delitem(benchmark.NOT_MEASURED, "health")
    assert "health" in benchmark.unexplained_urls()
    results = benchmark.Results(unexplained=["health"])
    assert [check for check, passed in results.verdicts() if not passed] == [
        "URL 'health' is neither measured nor given a reason (devtools/benchmark.py NOT_MEASURED)"
    ]
    assert "  health                     NO REASON GIVEN" in benchmark.table(results)


def test_strict_fails_when_a_target_is_missed(monkeypatch):
    monkeypatch.setattr(benchmark, "run", lambda **kwargs: _one_page(median_ms=90.0))
    call_command("benchmark", repeat=1, stdout=io.StringIO())  # reported, not failed
    with pytest.raises(Exception, match="1 targets missed"):
        call_command("benchmark", repeat=1, strict=True, stdout=io.StringIO())


def test_query_counts_are_kept_and_compared_across_databases(monkeypatch, tmp_path):
    saved = tmp_path / "demo-only.json"
    monkeypatch.setattr(benchmark, "run", lambda **kwargs: _one_page(queries=9))
    call_command("benchmark", repeat=1, save_queries=str(saved), stdout=io.StringIO())
    monkeypatch.setattr(benchmark, "run", lambda **kwargs: _one_page(queries=10))
    out = io.StringIO()
    with pytest.raises(Exception, match="1 targets missed"):
        call_command("benchmark", repeat=1, strict=True, compare_queries=str(saved), stdout=out)
    assert f"MISSED home · coordinator: 10 queries on the demo plan here, 9 on {saved}" in out.getvalue()


def _one_page(median_ms=20.0, queries=8):
    results = benchmark.Results(sizes={"demo": "179/KH-UBND"})
    results.pages = [
        benchmark.PageFigure("demo", "trivial", "coordinator", 10.0, 12.0, 3, 200),
        benchmark.PageFigure("demo", "home", "coordinator", median_ms, 25.0, queries, 200, reference_ms=10.0),
    ]
    return results


def test_a_wrong_count_of_requests_is_refused():
    with pytest.raises(Exception, match="at least 1"):
        call_command("benchmark", repeat=0)


def test_the_percentile_is_the_nearest_rank():
    samples = list(range(1, 21))  # 1 … 20
    assert benchmark.percentile(samples, 0.95) == 19
    assert benchmark.percentile(samples, 0.5) == 10
    assert benchmark.percentile([7], 0.95) == 7
