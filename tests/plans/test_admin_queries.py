import pytest
from django.urls import reverse

from tests.factories import add_tasks

pytestmark = pytest.mark.django_db


def test_the_plan_page_in_the_admin_does_not_query_per_task(client, coordinator, an_giang_plan, django_assert_max_num_queries):
    # The inline's select choices are read once per request, not once per task row.
    client.force_login(coordinator)
    url = reverse("admin:plans_plan_change", args=[an_giang_plan.pk])
    with django_assert_max_num_queries(40) as small:
        client.get(url)
    add_tasks(an_giang_plan, 60)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200 and "Nhiệm vụ bổ sung 59" in response.text
