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
in the writing transaction (plans.models.touch_plans).

After a report is sent, returned or accepted the dashboard's half is not built from scratch: it
is put together from two kinds of entries kept beside it, and only what changed is read again
(reporting.progress.task_part):

- the plan's structure (its tasks, who answers for each, the agencies owing), keyed by
  Plan.structure_version, which report writes leave alone (touch_plans(…, structure=False));
- each agency's latest answers, keyed by the stamp of its sent reports (id, status, version and
  updated_at of each, read fresh with the plan's reports) and the structure version: a report
  saved through the ORM gets a new updated_at, so only its agency's entry is missed.

Writes to plans, tasks and the rest, and every bulk write, raise both versions:

- saves and deletes through the ORM reach it by the signals of reporting.signals (reports other
  than drafts, answers of sent reports, tasks, assignments, periods, agencies, groups and their
  members);
- bulk writes (bulk_create, update, bulk_update) send no signal, so their code calls
  touch_plans itself: tests/reporting/test_figures.py fails when a module writes one of
  FIGURE_MODELS in bulk without it.

An entry is thus never read after a change: its key names an old version, and it expires.
Charts (papi_tracker.charts.bars_uri) are memoised by their own values, so they cannot be stale.
"""

import threading
from collections import OrderedDict

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


# Each process also keeps the last few entries `cached` returned, as the objects themselves: an
# entry never changes under its key (the key names the versions it was computed for), and
# unpickling a large plan's task states from the cache cost more than the rest of its dashboard
# (model instances by the hundred). So what `cached` returns is shared: callers read it and never
# change it. The shared cache stays the one all processes fill and read.
RECENT_ENTRIES = 16
_recent = OrderedDict()
_recent_lock = threading.Lock()


def _recently_read(key):
    with _recent_lock:
        value = _recent.get(key)
        if value is not None:
            _recent.move_to_end(key)
        return value


def _keep_read(key, value):
    with _recent_lock:
        _recent[key] = value
        _recent.move_to_end(key)
        while len(_recent) > RECENT_ENTRIES:
            _recent.popitem(last=False)


def current_versions(plan):
    """(progress_version, structure_version) as committed now, not as the caller's copy of the
    plan remembers them; one query."""
    return Plan.objects.filter(pk=plan.pk).values_list("progress_version", "structure_version").first() or (None, None)


def _key(parts):
    return ":".join(str(part) for part in (KEY_PREFIX, *parts))


def cached(plan, parts, compute, version=None):
    """What compute() returns for the plan at `version` (by default its current progress
    version) and `parts` (hashable, with str() that tells them apart), computed once for every
    server sharing the cache; shared, not to be changed."""
    if version is None:
        version = current_versions(plan)[0]
    key = _key((plan.pk, version, *parts))
    value = _recently_read(key)
    if value is not None:
        return value
    cache = caches[FIGURES_CACHE]
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT_SECONDS)
    _keep_read(key, value)
    return value


def cached_many(parts, compute):
    """{name: value} for `parts` {name: key parts}, read from the cache in one call; compute(the
    missing names) → {name: value} gives the others, kept for the next reader."""
    cache = caches[FIGURES_CACHE]
    keys = {name: _key(key_parts) for name, key_parts in parts.items()}
    found = cache.get_many(keys.values())
    values = {name: found[key] for name, key in keys.items() if key in found}
    missing = [name for name in parts if name not in values]
    if missing:
        computed = compute(missing)
        cache.set_many({keys[name]: value for name, value in computed.items() if name in keys}, TIMEOUT_SECONDS)
        values.update(computed)
    return values


def forget():
    """Empty the figures' cache (tests roll the database back, so versions repeat)."""
    caches[FIGURES_CACHE].clear()
    with _recent_lock:
        _recent.clear()


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
    by_id = {plan.pk: plan for plan in plans}
    parts = {plan.pk: (plan.pk, plan.progress_version, *parts) for plan in plans}
    return cached_many(parts, lambda missing: compute([by_id[pk] for pk in missing]))
