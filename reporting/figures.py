"""A plan's progress figures between requests, and what keeps them honest: this module.

reporting.progress computes the figures from the database; the expensive half is the task states
built from every answer (the dashboard, the compiled report) and each plan's row of the national
view. They are kept:

- the dashboard's answers half (`cached`) in Django's cache framework, alias FIGURES_CACHE:
  local memory by default, a shared cache (Redis, `CACHE_URL`) when several app servers run,
  so a change made through one server is seen at once through all;
- each plan's national row (`stored_rows`, `store_rows`) in the ProgressSnapshot table, for the
  day (overdue tasks are judged afresh each day).

Both are keyed by Plan.progress_version, which every write that can change the figures raises
in the writing transaction (plans.models.touch_plans):

- saves and deletes through the ORM reach it by the signals of reporting.signals (reports other
  than drafts, answers of sent reports, tasks, assignments, periods, agencies, groups and their
  members);
- bulk writes (bulk_create, update, bulk_update) send no signal, so their code calls
  touch_plans itself: tests/reporting/test_figures.py fails when a module writes one of
  FIGURE_MODELS in bulk without it.

An entry is thus never read after a change: its key names an old version, and it expires.
Charts (papi_tracker.charts.bars_uri) are memoised by their own values, so they cannot be stale.
"""

from django.core.cache import caches

from plans.models import Plan

from .models import ProgressSnapshot

FIGURES_CACHE = "default"
KEY_PREFIX = "papi-figures"
# Entries of an old version are never read again; they go when the cache needs the room or after this.
TIMEOUT_SECONDS = 24 * 3600
# The models whose rows the figures read: a bulk write to any of them must call touch_plans.
FIGURE_MODELS = (
    "Report",
    "TaskProgress",
    "ReportingPeriod",
    "Task",
    "TaskAssignment",
    "Agency",
    "AgencyGroup",
)


def current_version(plan):
    """The plan's version as committed now, not as the caller's copy of the plan remembers it."""
    return Plan.objects.filter(pk=plan.pk).values_list("progress_version", flat=True).first()


def cached(plan, parts, compute):
    """What compute() returns for the plan at its current version and `parts` (hashable, with
    str() that tells them apart), computed once for every server sharing the cache."""
    key = ":".join(str(part) for part in (KEY_PREFIX, plan.pk, current_version(plan), *parts))
    cache = caches[FIGURES_CACHE]
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT_SECONDS)
    return value


def forget():
    """Empty the figures' cache (tests roll the database back, so versions repeat)."""
    caches[FIGURES_CACHE].clear()


def stored_rows(plans, day):
    """{plan id: figures} of the national rows stored for `day` at each plan's current version
    (the plans as just read); one query."""
    stored = ProgressSnapshot.objects.filter(plan__in=plans, day=day)
    versions = {plan.pk: plan.progress_version for plan in plans}
    return {row.plan_id: row.figures for row in stored if row.version == versions.get(row.plan_id)}


def store_rows(rows, day):
    """Keep [(plan, figures)] as the plans' national rows for `day`; one query."""
    ProgressSnapshot.objects.bulk_create(
        [ProgressSnapshot(plan=plan, version=plan.progress_version, day=day, figures=figures) for plan, figures in rows],
        update_conflicts=True,
        unique_fields=["plan"],
        update_fields=["version", "day", "figures"],
    )


def cached_per_plan(plans, parts, compute):
    """{plan id: value} for each plan at the version it was just read with (no query to check it:
    the caller's plans come from this request), computing only the missing ones in one call,
    compute(missing plans) → {plan id: value}."""
    cache = caches[FIGURES_CACHE]
    keys = {plan.pk: ":".join(str(part) for part in (KEY_PREFIX, plan.pk, plan.progress_version, *parts)) for plan in plans}
    found = cache.get_many(keys.values())
    values = {pk: found[key] for pk, key in keys.items() if key in found}
    missing = [plan for plan in plans if plan.pk not in values]
    if missing:
        computed = compute(missing)
        cache.set_many({keys[pk]: value for pk, value in computed.items()}, TIMEOUT_SECONDS)
        values.update(computed)
    return values
