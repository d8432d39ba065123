"""Reference data through django-import-export: all or nothing, standings follow."""

import pytest
import tablib

from indicators.models import Score
from indicators.resources import ScoreResource

pytestmark = pytest.mark.django_db

HEADERS = ["province", "year", "dimension", "sub_dimension", "value"]


def dataset(*rows):
    return tablib.Dataset(*rows, headers=HEADERS)


def test_a_file_with_a_bad_row_saves_nothing():
    before = Score.objects.count()
    result = ScoreResource().import_data(
        dataset(["an-giang", 2025, "D1", "", "5.1"], ["an-giang", 2025, "D2", "", "12.0"]),  # 12 is off the 1–10 scale
        raise_errors=False,
    )
    assert result.has_validation_errors() or result.has_errors()
    assert Score.objects.count() == before


def test_an_unknown_province_is_an_error():
    result = ScoreResource().import_data(dataset(["atlantis", 2025, "D1", "", "5.1"]), raise_errors=False)
    assert result.has_validation_errors() or result.has_errors()
    assert not Score.objects.filter(year=2025).exists()


def test_a_good_file_is_saved_and_ranked():
    rows = [["an-giang", 2025, "D1", "", "6.5"], ["dak-nong", 2025, "D1", "", "5.5"], ["ha-noi", 2025, "D1", "", "5.0"]]
    result = ScoreResource().import_data(dataset(*rows), raise_errors=True)
    assert not result.has_errors()
    ranks = dict(Score.objects.filter(year=2025, dimension__code="D1").values_list("province__code", "rank"))
    assert ranks == {"an-giang": 1, "dak-nong": 2, "ha-noi": 3}
