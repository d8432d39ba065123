"""Load the reference data in fixtures/reference/: framework, provinces, scores.

Every loader is idempotent: it creates what is missing, updates what changed and
leaves the rest untouched, so running it twice changes nothing.
"""

import csv
import datetime
import json
import re
import unicodedata
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction

from papi_tracker.sync import sync_object

from .models import MERGER_DATE, Dimension, Province, Score, SubDimension
from .standings import recompute_standings, recompute_totals

REFERENCE_DIR = settings.BASE_DIR / "fixtures" / "reference"
LAST_DAY_BEFORE_MERGER = MERGER_DATE - datetime.timedelta(days=1)
# Centrally-run cities among the 63 (Huế became one only on 1/1/2025; it is kept a
# province here, as it was in every year with scores).
CITIES_BEFORE_MERGER = {"Hà Nội", "Hải Phòng", "Đà Nẵng", "Thành phố Hồ Chí Minh", "Cần Thơ"}


def ascii_slug(text):
    """ "Đắk Nông" -> "dak-nong" (đ has no decomposition, so it is mapped by hand)."""
    text = text.replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _entry_values(entry):
    """The fields a dimension and a sub-dimension share, from a framework file entry."""
    return {
        "name_vi": entry["name_vi"],
        "name_en": entry["name_en"],
        "since_year": entry["since_year"],
        "until_year": entry.get("until_year"),
        "verified": not entry.get("unverified", False),
        "unverified_fields": ", ".join(entry.get("unverified_fields") or []),
        "note": entry.get("note", ""),
        "sources": "\n".join(entry.get("sources", [])),
    }


@transaction.atomic
def load_framework(path=REFERENCE_DIR / "papi_framework.json"):
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    for entry in data["dimensions"]:
        dimension = sync_object(Dimension, {"code": entry["code"]}, {"number": entry["number"], **_entry_values(entry)})
        for sub in entry["sub_dimensions"]:
            sync_object(SubDimension, {"code": sub["code"]}, {"dimension": dimension, **_entry_values(sub)})


def _former_name(constituent):
    # "Huế (formerly Thừa Thiên Huế)": the province's name before the merger is the former one.
    match = re.search(r"\(formerly (.+)\)", constituent)
    return match.group(1).strip() if match else constituent.strip()


@transaction.atomic
def load_provinces(path=REFERENCE_DIR / "provinces_2025.json"):
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    for unit in data["units"]:
        successor = sync_object(
            Province,
            {"code": f"{ascii_slug(unit['name'])}-2025"},
            {
                "name": unit["name"],
                "kind": Province.Kind.CITY if unit["kind"].startswith("thành phố") else Province.Kind.PROVINCE,
                "valid_from": MERGER_DATE,
                "valid_until": None,
                "successor": None,
            },
        )
        for constituent in unit["constituents_before_2025_07_01"]:
            name = _former_name(constituent)
            sync_object(
                Province,
                {"code": ascii_slug(name)},
                {
                    "name": name,
                    "kind": Province.Kind.CITY if name in CITIES_BEFORE_MERGER else Province.Kind.PROVINCE,
                    "valid_from": None,
                    "valid_until": LAST_DAY_BEFORE_MERGER,
                    "successor": successor,
                },
            )


def _former_provinces_by_name():
    """Former provinces by name, also reachable by the name of a successor they alone
    make up (the score panel calls Thừa Thiên Huế by its 2025 name, "Huế")."""
    former = list(Province.objects.filter(valid_until=LAST_DAY_BEFORE_MERGER).select_related("successor"))
    by_name = {p.name: p for p in former}
    sole = {}
    for p in former:
        sole.setdefault(p.successor.name, []).append(p)
    for successor_name, members in sole.items():
        if len(members) == 1:
            by_name.setdefault(successor_name, members[0])
    return by_name


@transaction.atomic
def load_scores(path=REFERENCE_DIR / "papi_scores.csv"):
    """Load dimension and sub-dimension scores, then derive totals, ranks and groups."""
    provinces = _former_provinces_by_name()
    dimensions = {d.number: d for d in Dimension.objects.all()}
    sub_dimensions = {s.code: s for s in SubDimension.objects.all()}
    wanted = {}
    english_names = {}
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            province = provinces[row["province_vi"]]
            english_names[province] = row["province_en"]
            dimension = dimensions[int(row["dimension"])]
            code = row["sub_dimension_code"]
            # The panel codes sub-dimensions "SC24"; the framework calls it "D2.4".
            sub = sub_dimensions[f"D{code[2]}.{code[3:]}"] if code else None
            key = (province.id, int(row["year"]), dimension.id, sub.id if sub else None)
            wanted[key] = Decimal(row["score"])

    for province, name_en in english_names.items():
        if province.name_en != name_en:
            province.name_en = name_en
            province.save(update_fields=["name_en"])

    existing = {
        (s.province_id, s.year, s.dimension_id, s.sub_dimension_id): s for s in Score.objects.filter(dimension__isnull=False)
    }
    to_create, to_update = [], []
    for key, value in wanted.items():
        score = existing.get(key)
        if score is None:
            province_id, year, dimension_id, sub_id = key
            to_create.append(
                Score(province_id=province_id, year=year, dimension_id=dimension_id, sub_dimension_id=sub_id, value=value)
            )
        elif score.value != value:
            score.value = value
            to_update.append(score)
    Score.objects.bulk_create(to_create, batch_size=2000)
    Score.objects.bulk_update(to_update, ["value"], batch_size=2000)

    for year in sorted({key[1] for key in wanted}):
        recompute_totals(year)
        recompute_standings(year)
    return len(to_create), len(to_update)


def load_all():
    load_framework()
    load_provinces()
    return load_scores()
