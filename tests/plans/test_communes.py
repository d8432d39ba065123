"""A province of 2026 creates its commune committees from the statistics office's list
(the vietnam-provinces library), in one step, once."""

import pytest

from indicators.models import Province
from plans.communes import communes_of, create_commune_committees, division_of
from plans.models import Agency, AgencyGroup, AgencyKind

pytestmark = pytest.mark.django_db


def test_every_unit_in_force_has_its_communes_and_the_country_has_3321():
    units = Province.objects.filter(valid_until__isnull=True)
    assert units.count() == 34
    assert all(division_of(unit) is not None for unit in units)
    assert sum(len(communes_of(unit)) for unit in units) == 3321
    assert communes_of(Province.objects.get(code="an-giang")) == []  # before 1/7/2025: no such list


def test_the_merged_an_giang_gets_exactly_the_communes_the_library_lists():
    from vietnam_provinces import Province as Division
    from vietnam_provinces import Ward

    an_giang = Province.objects.get(code="an-giang-2025")
    listed = {ward.name for ward in Ward.iter_by_province(next(d for d in Division.iter_all() if d.codename == "an_giang").code)}
    setup = create_commune_committees(an_giang)
    assert len(setup.created) == len(listed) == 102
    names = set(Agency.objects.filter(province=an_giang, kind=AgencyKind.COMMUNE_COMMITTEE).values_list("name", flat=True))
    assert names == {f"UBND {n.split(' ', 1)[0].lower()} {n.split(' ', 1)[1]}" if not n.startswith("Đặc khu") else
                     f"UBND đặc khu {n.removeprefix('Đặc khu ')}" for n in listed}  # fmt: skip
    assert "UBND phường Long Xuyên" in names and "UBND đặc khu Phú Quốc" in names
    group = AgencyGroup.objects.get(province=an_giang, name="UBND cấp xã")
    assert group.member_kind == AgencyKind.COMMUNE_COMMITTEE
    assert set(group.agencies().values_list("name", flat=True)) == names


def test_running_it_again_creates_nothing_twice_and_some_may_be_chosen():
    an_giang = Province.objects.get(code="an-giang-2025")
    some = [commune.code for commune in communes_of(an_giang)[:3]]
    first = create_commune_committees(an_giang, codes=some)
    assert len(first.created) == 3
    again = create_commune_committees(an_giang)
    assert len(again.created) == 99 and len(again.existing) == 3
    assert create_commune_committees(an_giang).created == []
    assert Agency.objects.filter(province=an_giang, kind=AgencyKind.COMMUNE_COMMITTEE).count() == 102
    assert AgencyGroup.objects.filter(province=an_giang, name="UBND cấp xã").count() == 1


def test_a_coordinator_of_the_unit_creates_its_communes_from_the_page(client, coordinator):
    from django.urls import reverse

    from tests.factories import make_reporter

    unit = Province.objects.get(code="an-giang-2025")
    home = Agency.objects.create(province=unit, name="Sở Nội vụ", is_coordinator=True)
    user = make_reporter("snv.moi", home)
    user.memberships.update(role="coordinator")
    client.force_login(user)
    url = reverse("province_communes", args=[unit.code])
    page = client.get(url)
    assert page.status_code == 200 and "Đã có 0/102." in page.text and "Phường Long Xuyên" in page.text
    chosen = [c.code for c in communes_of(unit) if c.name in ("Phường Long Xuyên", "Đặc khu Phú Quốc")]
    done = client.post(url, {"communes": chosen}, follow=True)
    assert "Đã tạo 2 UBND cấp xã trong nhóm “UBND cấp xã”; 0 đã có từ trước." in done.text
    assert "Đã có 2/102." in done.text
    assert set(Agency.objects.filter(province=unit, kind=AgencyKind.COMMUNE_COMMITTEE).values_list("name", flat=True)) == {
        "UBND phường Long Xuyên",
        "UBND đặc khu Phú Quốc",
    }
    assert client.post(url, {"communes": ["999999"]}).status_code == 400  # not in the list: nothing
    # Another unit's page, and the former An Giang's coordinator for this one: 404.
    assert client.get(reverse("province_communes", args=["ha-noi-2025"])).status_code == 404
    client.force_login(coordinator)
    assert client.get(url).status_code == 404


def test_the_page_queries_do_not_grow_with_the_communes(client, administrator, django_assert_max_num_queries):
    from django.urls import reverse

    client.force_login(administrator)
    for code in ("lai-chau-2025", "thanh-pho-ho-chi-minh-2025"):  # 38 and 168 communes
        # session, user, province, agencies present, messages, menu
        with django_assert_max_num_queries(12):
            assert client.get(reverse("province_communes", args=[code])).status_code == 200


def test_a_committee_typed_with_other_capitals_counts_as_there():
    """The review: "UBND Phường Long Xuyên" from a typed list made the creation fail (500)."""
    an_giang = Province.objects.get(code="an-giang-2025")
    Agency.objects.create(province=an_giang, name="UBND Phường Long Xuyên", kind=AgencyKind.COMMUNE_COMMITTEE)
    setup = create_commune_committees(an_giang)
    assert len(setup.created) == 101 and [c.name for c in setup.existing] == ["Phường Long Xuyên"]
    assert Agency.objects.filter(province=an_giang, kind=AgencyKind.COMMUNE_COMMITTEE).count() == 102
