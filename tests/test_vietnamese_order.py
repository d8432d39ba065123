"""Names in Vietnamese alphabetical order: the same in Python, on SQLite (the collation this
project registers) and on PostgreSQL (ICU's "vi-x-icu"); this file runs on both in `make test`."""

import random

import pytest

from indicators.models import Province
from papi_tracker.collation import sort_key, vietnamese
from plans.models import Agency, AgencyKind

pytestmark = pytest.mark.django_db

# The dictionary's order: letters first (ă after a, đ after d, ơ after ô), tones only between
# otherwise equal names, capitals after small letters only when all else is equal.
ORDERED = [
    "An Giang", "Ân Thi", "Bà Rịa", "Bắc Giang", "Bắc Kạn", "Cà Mau", "Cao Bằng", "Dương Kinh", "Đà Nẵng", "Đắk Lắk",
    "Đắk Nông", "Điện Biên", "Đồng Nai", "Hà Giang", "Hà Nội", "Hải Dương", "Ô Môn", "Ơ Đông", "Ủy ban", "Ứng Hòa",
    "Yên Bái",
]  # fmt: skip


def test_python_sorts_in_vietnamese_order():
    shuffled = ORDERED[:]
    random.Random(7).shuffle(shuffled)
    assert sorted(shuffled, key=sort_key) == ORDERED
    assert sorted(["Ba", "Bà", "Bá", "Bả", "Bã", "Bạ"], key=sort_key) == ["Ba", "Bà", "Bả", "Bã", "Bá", "Bạ"]


def test_the_database_orders_names_as_python_does(an_giang_plan):
    province = an_giang_plan.province
    shuffled = ORDERED[:]
    random.Random(3).shuffle(shuffled)
    Agency.objects.bulk_create(Agency(province=province, name=f"Sở {name}", kind=AgencyKind.OTHER) for name in shuffled)
    names = list(
        Agency.objects.filter(province=province, name__in=[f"Sở {n}" for n in ORDERED])
        .order_by(vietnamese("name"))
        .values_list("name", flat=True)
    )
    assert names == [f"Sở {name}" for name in ORDERED]


def test_provinces_list_in_vietnamese_order():
    names = list(Province.objects.values_list("name", flat=True))
    assert names == sorted(names, key=sort_key)
    assert names.index("Đắk Lắk") < names.index("Yên Bái") and names.index("Đà Nẵng") > names.index("Cà Mau")


def test_no_garbage_collection_runs_inside_sqlites_collation_callback(monkeypatch):
    """A collection there could finalize an unclosed connection that waits for the locks the
    running statement holds (the browser tests' shared in-memory database deadlocked so)."""
    import gc

    from papi_tracker import collation

    seen = []
    key = collation.sort_key
    monkeypatch.setattr(collation, "sort_key", lambda text: seen.append(gc.isenabled()) or key(text))
    assert gc.isenabled()
    assert collation.compare("Đắk Nông", "An Giang") == 1
    assert seen == [False, False] and gc.isenabled()  # off inside, back on after
