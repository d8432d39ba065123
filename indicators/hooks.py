"""What indicators' pages ask of plans, answered by plans when it loads
(`plans.apps.PlansConfig.ready`).

The import graph runs one way (indicators ← plans ← reporting): indicators imports nothing of
plans. Yet its two pages need one answer each that only plans has: who may import the published
scores, and which plan targets a user may see beside a province's scores (who sees what is
decided in `plans/access.py` alone). Rather than move the province page into plans, which would
make PAPI's own page of a province a plans page, or copy the rule, plans registers the two
functions here: a hook of two names, not a framework.
"""

from django.core.exceptions import ImproperlyConfigured

_answers = {}


def register(*, may_import_scores, visible_targets):
    """may_import_scores(user) -> bool; visible_targets(user, province) -> the targets
    (with their plan) of the province's plans the user may see."""
    _answers.update(may_import_scores=may_import_scores, visible_targets=visible_targets)


def _answer(name):
    try:
        return _answers[name]
    except KeyError:
        raise ImproperlyConfigured(f"indicators.hooks.{name}: no app registered it (plans, in its ready()).") from None


def may_import_scores(user):
    return _answer("may_import_scores")(user)


def visible_targets(user, province):
    return _answer("visible_targets")(user, province)
