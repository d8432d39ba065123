"""Each list is a fixed number of queries whatever the data: the same bound at two sizes."""

import pytest
from django.urls import reverse
from django.utils import timezone

from api.models import ApiToken
from tests.factories import grow_plan

pytestmark = pytest.mark.django_db

# token (1), count (1), page (1), one prefetch for the lists whose rows carry a list
# (a dimension's sub-dimensions, a task's assignments) (1). last_used_at is fresh: no update.
LISTS = ["api-province", "api-dimension", "api-score", "api-plan", "api-target", "api-task", "api-period",
         "api-report", "api-task-progress"]  # fmt: skip
MAX_QUERIES = 4


def _read_all(client, headers, django_assert_max_num_queries):
    ApiToken.objects.update(last_used_at=timezone.now())
    for name in LISTS:
        with django_assert_max_num_queries(MAX_QUERIES):
            response = client.get(reverse(f"{name}-list"), {"page_size": 500}, **headers)
        assert response.status_code == 200, name


def test_lists_read_a_fixed_number_of_queries(client, tokens, world, django_assert_max_num_queries):
    _read_all(client, tokens["own"], django_assert_max_num_queries)
    grow_plan(world["plan"], tasks=40, communes=20)
    _read_all(client, tokens["own"], django_assert_max_num_queries)
    _read_all(client, tokens["all"], django_assert_max_num_queries)


def test_a_detail_reads_three_queries(client, tokens, world, django_assert_num_queries):
    ApiToken.objects.update(last_used_at=timezone.now())
    with django_assert_num_queries(3):  # token, the task, its assignments
        assert client.get(reverse("api-task-detail", args=[world["task"].pk]), **tokens["own"]).status_code == 200
