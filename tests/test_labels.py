"""label_of gives what get_FOO_display() gives, for every choice of the fields lists use it on."""

import pytest
from django.utils import translation

from papi_tracker.labels import label_of
from plans.models import Agency, AgencyKind, Task
from reporting.models import Report, TaskProgress


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize(
    ("model", "field", "choices"),
    [(Report, "status", Report.Status), (TaskProgress, "status", TaskProgress.Status), (Agency, "kind", AgencyKind),
     (Task, "timeframe_kind", Task.TimeframeKind)],
)  # fmt: skip
def test_the_label_is_the_display_value(model, field, choices, language):
    with translation.override(language):
        for value in choices.values:
            row = model(**{field: value})
            assert str(label_of(choices, value)) == str(getattr(row, f"get_{field}_display")())
        assert label_of(choices, "unknown") == model(**{field: "unknown"}).__dict__[field]
