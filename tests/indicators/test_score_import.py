"""Published scores have one importer, the score import page (tests/indicators/test_score_import_page.py):
the admin's django-import-export resource for scores exports only."""

import pytest
from django.urls import reverse

from indicators.models import Score
from indicators.resources import ScoreResource

pytestmark = pytest.mark.django_db


def test_the_admin_offers_no_score_import_even_to_administrators(client, administrator):
    client.force_login(administrator)
    changelist = client.get(reverse("admin:indicators_score_changelist"))
    assert changelist.status_code == 200
    assert reverse("admin:indicators_score_import") not in changelist.text
    assert reverse("admin:indicators_score_export") in changelist.text
    before = Score.objects.count()
    assert client.get(reverse("admin:indicators_score_import")).status_code in (403, 404)
    assert Score.objects.count() == before


def test_the_export_names_provinces_and_dimensions_by_code():
    data = ScoreResource().export(
        Score.objects.filter(province__code="an-giang", year=2018, dimension__number=1, sub_dimension=None)
    )
    assert data.headers == ["province", "year", "dimension", "sub_dimension", "value", "rank", "group"]
    assert data[0][:3] == ("an-giang", "2018", "D1")
