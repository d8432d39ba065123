"""What plans' pages ask of reporting, answered by reporting when it loads
(`reporting.apps.ReportingConfig.ready`), as indicators asks plans through `indicators.hooks`.

The import graph runs one way (indicators ← plans ← reporting): plans imports nothing of
reporting. The targets page suggests a target from last year's completion rate, which only
reporting can tell (task status is `reporting.progress`'s rule), so reporting registers it here.
"""

from django.core.exceptions import ImproperlyConfigured

_answers = {}


def register(*, previous_completion):
    """previous_completion(plan) -> plans.target_suggestions.Completion of the province's plan
    before this one, or None when there is none with tasks."""
    _answers.update(previous_completion=previous_completion)


def previous_completion(plan):
    try:
        answer = _answers["previous_completion"]
    except KeyError:
        raise ImproperlyConfigured("plans.hooks.previous_completion: no app registered it (reporting, in its ready()).") from None
    return answer(plan)
