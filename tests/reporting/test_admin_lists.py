"""The admin lists answers and files as reports read: by period, then agency name, then task."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_answers_are_listed_by_period_then_agency_name_not_by_when_they_were_made(client, administrator, small_plan):
    client.force_login(administrator)
    plan = small_plan["plan"]
    listed = [
        (p.report.period.label, p.report.agency.name, p.task.number)
        for p in client.get(reverse("admin:reporting_taskprogress_changelist"), {"report__period__plan__id__exact": plan.pk})
        .context["cl"]
        .result_list
    ]
    half = [row for row in listed if row[0] == small_plan["half"].label]
    # Sở Y tế's report was made first; Sở Nội vụ's and Sở Tư pháp's come before it by name.
    assert [name for _, name, _ in half] == ["Sở Nội vụ"] * 2 + ["Sở Tư pháp"] + ["Sở Y tế"] * 3
    assert [number for _, name, number in half if name == "Sở Y tế"] == ["T1", "T2", "T5"]
