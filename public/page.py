"""A published plan's public page for citizens ("Công khai kế hoạch", design notes), as data and
as the HTML kept between requests.

Why an app of its own: the page is the only part of PAPI Tracker read without an account, so its
rules sit together and apart from the logged-in pages: it reads plans (plans.access.public_plans),
reporting (progress.plan_progress: the dashboard's own figures and task-status rule; the progress
CSV's builder) and indicators (the province's published history); nothing imports it.

What citizens read is built here into plain dataclasses holding only public fields, and the
template receives nothing else: the plan's document (no signer: a person), targets against
published results, each task's title, status and percent done, the unit's published PAPI history.
Never an agency's report text (narratives, difficulties, proposals), review notes, comments,
people or evidence files: no object that carries them reaches the template.

Between requests the rendered page is kept in Django's cache ("default": shared by the app
servers with Redis) under a key made of what it shows: the plan's progress_version (raised by every
change of the plan, its tasks, periods, agencies and sent reports), its published_at (a plan
withdrawn and published again is a new page), the day (overdue tasks and the current period),
its targets' rows (a target's save raises no version) and a fingerprint of the published scores
(the history, the results and the nation's median and best). A hit is three queries; an entry
is never read after a change, since its key names what changed.
"""

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.cache import caches
from django.db.models import Count, Max, Sum
from django.template.loader import render_to_string
from django.utils import timezone, translation

from indicators.history import province_history
from indicators.models import Score
from plans.models import Target
from reporting import progress
from reporting.compiled import TaskResult

CACHE = "default"
KEY_PREFIX = "papi-public"
# Entries of an old key are never read again; they go when the cache needs the room or after this.
TIMEOUT_SECONDS = 6 * 3600


@dataclass
class PublicTask:
    number: str
    title: str
    status: str
    status_label: str
    percent_done: int
    overdue: bool
    due: str  # "31/12/2026", or the timeframe as the plan writes it


@dataclass
class PublicDimension:
    name: str  # "1. Tham gia của người dân ở cơ sở", or the general tasks of direction
    baseline: Decimal | None
    baseline_source: str  # a unit of 1/7/2025: the derived baseline's source
    target_score: str  # as the plan writes it ("trên 5,40"), "" without one
    target_group: str
    target_rank: str
    actual: Decimal | None
    actual_rank: int | None
    actual_group: int | None
    signal: str
    signal_label: str
    tally: progress.TaskTally
    tasks: list = field(default_factory=list)  # PublicTask


@dataclass
class PublicPlan:
    plan: object  # plans.Plan: the template reads its document's fields only (not the signer)
    year: int  # the plan year judged (progress.judged_year)
    period_label: str
    total: Score | None
    baseline_total: Score | None
    tally: progress.TaskTally
    dimensions: list  # PublicDimension
    history: object  # indicators.history.ProvinceHistory


def _task(state):
    task = state.task
    return PublicTask(
        number=task.number,
        title=task.title,
        status=state.status,
        status_label=str(state.status_label),
        percent_done=TaskResult(state, []).percent_done,
        overdue=state.overdue,
        due=task.due_date.strftime("%d/%m/%Y") if task.due_date else str(task.timeframe_label),
    )


def public_plan(plan):
    """PublicPlan of a published plan, from the dashboard's data (progress.plan_progress: the
    current period, today) and the province's history. A fixed number of queries."""
    state = progress.plan_progress(plan)
    known = {row.dimension.pk for row in state.dimensions if row.dimension}
    tasks = defaultdict(list)
    for task_state in state.tasks:  # as dimension_progress counts them: an unknown dimension is general
        dimension_id = task_state.task.dimension_id
        tasks[dimension_id if dimension_id in known else None].append(_task(task_state))
    dimensions = []
    for row in state.dimensions:
        target = row.target
        dimensions.append(
            PublicDimension(
                name=f"{row.dimension.number}. {row.dimension.name}" if row.dimension else "",
                baseline=row.baseline,
                baseline_source=row.baseline_source,
                target_score=target.score_label if target else "",
                target_group=target.get_target_group_display() if target and target.target_group else "",
                target_rank=str(target.rank_label) if target else "",
                actual=row.actual,
                actual_rank=row.actual_rank,
                actual_group=row.actual_group,
                signal=row.signal,
                signal_label=str(row.signal_label),
                tally=row.tasks,
                tasks=tasks[row.dimension.pk if row.dimension else None],
            )
        )
    return PublicPlan(
        plan=plan,
        year=state.year,
        period_label=state.period.label if state.period else "",
        total=state.total,
        baseline_total=state.baseline_total,
        tally=state.tally,
        dimensions=dimensions,
        history=province_history(plan.province),
    )


def cache_key(plan):
    """The key of the plan's rendered page: what it shows (module docstring). Two queries: the
    plan's targets, the scores' fingerprint."""
    targets = list(Target.objects.filter(plan=plan).order_by("pk").values_list())
    # Unordered: Score's default ordering joins three tables for nothing here.
    scores = Score.objects.order_by().aggregate(
        count=Count("pk"), last=Max("pk"), values=Sum("value"), ranks=Sum("rank"), groups=Sum("group")
    )
    parts = (
        plan.pk,
        plan.progress_version,
        plan.published_at.isoformat(),
        timezone.localdate().isoformat(),
        targets,
        sorted(scores.items()),
    )
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return f"{KEY_PREFIX}:{plan.pk}:{digest}"


def etag_of(key):
    return f'"{key.rsplit(":", 1)[1]}"'


def render(plan):
    """The page's HTML, in Vietnamese whatever the reader chose, rendered without the request: no
    context processor, no user, no CSRF token, so the copy is the same for every reader."""
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string("public/plan.html", {"page": public_plan(plan)})


def rendered(plan, key=None):
    """The page's HTML from the cache, rendered and kept there on a miss."""
    key = key or cache_key(plan)
    cache = caches[CACHE]
    html = cache.get(key)
    if html is None:
        html = render(plan)
        cache.set(key, html, TIMEOUT_SECONDS)
    return html
