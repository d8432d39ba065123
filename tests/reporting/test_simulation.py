"""The national dataset generator at a small scale: deterministic counts and content."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from devtools import simulation
from plans.models import Plan, Task
from plans.obligations import assignees
from reporting.models import Report, TaskProgress

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 23)


def fingerprint():
    return sorted(
        TaskProgress.objects.filter(report__period__plan__document_number__startswith=simulation.MARK).values_list(
            "report__agency__name", "report__period__quarter", "task__number", "status", "percent_done"
        )
    )


def test_small_scale_counts_are_what_the_scale_says():
    counts = simulation.generate(simulation.SMALL, seed=7, today=TODAY)
    small = simulation.SMALL
    agencies = small.departments + small.communes
    assert counts["provinces"] == 2 and counts["plans"] == 2 and counts["tasks"] == 12
    assert counts["agencies"] == 2 * agencies
    plans = Plan.objects.filter(document_number__startswith=simulation.MARK)
    assert {p.province.valid_until for p in plans} == {None}  # provinces in force
    a_plan = plans.first()
    communal = Task.objects.filter(plan=a_plan, assignments__group__isnull=False).count()
    assert communal == 2  # a third of 6
    assert Report.objects.filter(period__plan__in=plans).count() == counts["reports"]
    assert TaskProgress.objects.filter(report__period__plan__in=plans).count() == counts["answers"] > 0
    # every answer is for a task its agency owes, as the obligations rule derives them
    owed = assignees(plans)
    answers = TaskProgress.objects.filter(report__period__plan__in=plans).values_list("task_id", "report__agency_id")
    assert all(agency in owed[task]["lead"] | owed[task]["coordinating"] for task, agency in answers)


def test_the_same_seed_writes_the_same_data_and_another_seed_does_not():
    simulation.generate(simulation.SMALL, seed=7, today=TODAY)
    first = fingerprint()
    simulation.remove()
    assert not Plan.objects.filter(document_number__startswith=simulation.MARK).exists()
    simulation.generate(simulation.SMALL, seed=7, today=TODAY)
    assert fingerprint() == first
    simulation.remove()
    simulation.generate(simulation.SMALL, seed=8, today=TODAY)
    assert fingerprint() != first


def test_the_command_refuses_to_write_twice_and_removes(settings):
    settings.DEBUG = True
    call_command("generate_national", "--scale", "small", verbosity=0)
    with pytest.raises(CommandError, match="already there"):
        call_command("generate_national", "--scale", "small", verbosity=0)
    call_command("generate_national", "--remove", verbosity=0)
    assert not Plan.objects.filter(document_number__startswith=simulation.MARK).exists()


def test_the_command_needs_force_without_debug():
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("generate_national", "--scale", "small", verbosity=0)


def test_the_dashboard_reads_a_simulated_plan(client, administrator):
    simulation.generate(simulation.SMALL, seed=7, today=TODAY)
    plan = Plan.objects.filter(document_number__startswith=simulation.MARK).first()
    client.force_login(administrator)
    response = client.get(reverse("plan_dashboard", args=[plan.pk]))
    assert response.status_code == 200 and response.context["progress"].tally.total == 6
