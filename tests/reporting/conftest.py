"""Fixtures shared by the reporting tests: Đắk Nông's year period and one of its communes."""

import pytest

from plans.models import Agency


@pytest.fixture
def commune(dak_nong_plan):
    return Agency.objects.get(name="UBND xã Đắk Nia")


@pytest.fixture
def year(dak_nong_plan):
    return dak_nong_plan.periods.get(kind="year")
