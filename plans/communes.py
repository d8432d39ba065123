"""The commune-level units of a province in force since 1/7/2025 (xã, phường, đặc khu), from the
`vietnam-provinces` library (the statistics office's list, Cục Thống kê: 34 units, 3,321 communes),
made into the province's commune People's Committees in one step.

Each becomes an agency "UBND <commune>" ("UBND phường Long Xuyên", "UBND đặc khu Phú Quốc") of
kind commune committee, in the province's group "UBND cấp xã" (a group by kind: every commune
committee of the province is a member). Running it again creates nothing twice: an agency of the
same name is left as it is.
"""

import functools
from dataclasses import dataclass

from django.db import transaction
from vietnam_provinces import Province as Division
from vietnam_provinces import Ward

from indicators.reference import ascii_slug

from .models import Agency, AgencyGroup, AgencyKind, Plan, touch_plans
from .plan_import import normalise

GROUP_NAME = "UBND cấp xã"
# Wards, then communes, then special zones, each in alphabetical order (diacritics aside).
_KIND_ORDER = {"Phường": 0, "Xã": 1, "Đặc": 2}


@dataclass(frozen=True)
class Commune:
    code: int  # the statistics office's code
    name: str  # "Phường Long Xuyên"

    @property
    def committee(self):
        """The commune's People's Committee as documents name it: "UBND phường Long Xuyên"."""
        kind, _space, rest = self.name.partition(" ")
        if kind.lower() == "đặc":  # "Đặc khu Phú Quốc"
            word, _space, rest = rest.partition(" ")
            kind = f"đặc {word}"
        return f"UBND {kind.lower()} {rest}"


@functools.cache
def _divisions():
    """{codename: the library's province}: "an_giang", "ha_noi"… (one read of its data)."""
    return {division.codename: division for division in Division.iter_all()}


def division_of(province):
    """The library's unit for one of our units in force (matched by name: "An Giang" is
    "an_giang", "Thành phố Hồ Chí Minh" "ho_chi_minh"), or None for a province before 1/7/2025."""
    if province.valid_until is not None:
        return None
    return _divisions().get(ascii_slug(province.name).removeprefix("thanh-pho-").replace("-", "_"))


def communes_of(province):
    """The province's wards, communes and special zones, each by name (diacritics aside)."""
    division = division_of(province)
    if division is None:
        return []
    wards = [Commune(int(ward.code), ward.name) for ward in Ward.iter_by_province(division.code)]
    return sorted(wards, key=lambda commune: (_KIND_ORDER.get(commune.name.split(" ")[0], 3), normalise(commune.name)))


@dataclass
class CommuneSetup:
    created: list
    existing: list
    group: object


@transaction.atomic
def create_commune_committees(province, codes=None):
    """Create the commune committees of the province (all, or those whose codes are given),
    each in the group "UBND cấp xã", which is created if missing. Returns what was created and
    what was there already."""
    # Two requests at once (a double click, an agency list saved meanwhile) queue here.
    type(province).objects.select_for_update(of=("self",)).only("pk").get(pk=province.pk)
    wanted = [c for c in communes_of(province) if codes is None or c.code in set(codes)]
    group, _new = AgencyGroup.objects.get_or_create(
        province=province, name=GROUP_NAME, defaults={"member_kind": AgencyKind.COMMUNE_COMMITTEE}
    )
    present = present_names(province)
    missing = [c for c in wanted if normalise(c.committee) not in present]
    Agency.objects.bulk_create(
        Agency(province=province, name=commune.committee, kind=AgencyKind.COMMUNE_COMMITTEE) for commune in missing
    )
    if group.member_kind != AgencyKind.COMMUNE_COMMITTEE:  # a group named so by hand: name them
        group.members.add(*Agency.objects.filter(province=province, name__in=[c.committee for c in missing]))
    touch_plans(Plan.objects.filter(province=province).values("pk"))  # new members of groups by kind
    return CommuneSetup(created=missing, existing=[c for c in wanted if normalise(c.committee) in present], group=group)


def present_names(province):
    """The province's agency names as names are compared (case, diacritics, "UBND" aside): an
    agency typed "UBND Phường Long Xuyên" is that commune's committee."""
    return {normalise(name) for name in Agency.objects.filter(province=province).values_list("name", flat=True)}
