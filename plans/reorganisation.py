"""Moving a former province's working data onto the unit that succeeded it on 1/7/2025, in one
step (an admin action on provinces, and `manage.py reorganise`, each with a dry run).

What moves, for each former province of the unit:
- the coordinating agency (Sở Nội vụ) becomes the unit's one coordinating agency, which gets
  the staff of every former Sở Nội vụ;
- every other agency goes to the unit's agency of the same name (spelling, case, diacritics and
  abbreviations aside, as the Excel import matches names) or to a new one of that name; same
  name but a different kind is a clash, reported and left alone, never guessed;
- district committees are not carried (districts ended on 1/7/2025), nor commune committees
  the unit does not have (its communes come from the statistics office's list:
  plans.communes); both are reported with the accounts left on them;
- each agency's accounts (memberships), other names (aliases, with its own name when it
  differs), and the groups with their named members (groups by kind follow by themselves).

What stays: the former province's plans, their periods, reports, answers and history, attached
to the former province and its agencies as they were (a report's agency never changes), so
the record reads as it was written. The unit's people read those plans as its history
(plans.access).

Running it again changes nothing. Everything happens in one transaction; a dry run takes the
same steps and rolls them back, so it prints exactly what the real run would do.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from .models import MAX_ALIASES, Agency, AgencyGroup, AgencyKind, Membership, touch_plans
from .plan_import import normalise

# Districts ended with the two-tier local government of 1/7/2025.
NOT_CARRIED = {AgencyKind.DISTRICT_COMMITTEE}


@dataclass
class Reorganisation:
    unit: object
    former: list
    steps: list = field(default_factory=list)  # what was (or would be) done, one line each
    clashes: list = field(default_factory=list)  # what a person must decide
    left: list = field(default_factory=list)  # agencies not carried, with their accounts
    dry_run: bool = False
    # The unit's agencies by name as names are compared: read once, kept current as agencies are made.
    agencies: dict = field(default_factory=dict)

    @property
    def changed(self):
        return bool(self.steps)


class _DryRun(Exception):
    pass


def reorganise(unit, former=None, dry_run=False):
    """Move the working data of the former provinces given (by default every one whose
    successor is `unit`) onto `unit`."""
    chosen = unit.predecessors.order_by("name")
    if former is not None:
        chosen = chosen.filter(pk__in=[province.pk for province in former])
    result = Reorganisation(unit=unit, former=list(chosen), dry_run=dry_run)
    try:
        with transaction.atomic():
            _move(result)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return result


def _move(result):
    unit = result.unit
    # Two runs at once (a double click on "Thực hiện") queue here; the second finds the work done.
    type(unit).objects.select_for_update(of=("self",)).only("pk").get(pk=unit.pk)
    result.agencies = {normalise(a.name): a for a in Agency.objects.filter(province=unit)}
    targets = {}  # former agency id → the unit's agency
    for former in result.former:
        for agency in Agency.objects.filter(province=former).order_by("-is_coordinator", "name"):
            target = _target_agency(result, agency)
            if target is not None:
                targets[agency.pk] = target
                _carry_aliases(result, agency, target)
                _move_memberships(result, agency, target)
        for group in AgencyGroup.objects.filter(province=former).prefetch_related("members").order_by("name"):
            _carry_group(result, group, targets)
    if result.steps:
        touch_plans(unit.plans.values("pk"))


def _target_agency(result, agency):
    unit = result.unit
    if agency.is_coordinator:
        target = next((a for a in result.agencies.values() if a.is_coordinator), None)
        namesake = result.agencies.get(normalise(agency.name))
        if target is None and namesake is not None:  # e.g. from a list of agencies: it becomes the coordinating one
            namesake.is_coordinator = True
            namesake.save(update_fields=["is_coordinator"])
            result.steps.append(
                _("%(agency)s là cơ quan thường trực của %(unit)s.") % {"agency": namesake.name, "unit": unit.name}
            )
            target = namesake
        elif target is None:
            target = _copy(result, agency, is_coordinator=True)
        return target
    if agency.kind in NOT_CARRIED:
        _leave(result, agency, _("cấp huyện không còn từ 01/07/2025"))
        return None
    same = [result.agencies[normalise(agency.name)]] if normalise(agency.name) in result.agencies else []
    if same and same[0].kind != agency.kind:
        result.clashes.append(
            _(
                "%(agency)s (%(former)s, %(kind)s) trùng tên với %(target)s (%(other)s) của %(unit)s: "
                "chưa chuyển, hãy đổi tên một bên."
            )
            % {
                "agency": agency.name,
                "former": agency.province.name,
                "kind": agency.get_kind_display(),
                "target": same[0].name,
                "other": same[0].get_kind_display(),
                "unit": result.unit.name,
            }
        )
        return None
    if same:
        return same[0]
    if agency.kind == AgencyKind.COMMUNE_COMMITTEE:
        _leave(result, agency, _("không có trong danh sách xã, phường của đơn vị mới"))
        return None
    return _copy(result, agency)


def _copy(result, agency, is_coordinator=False):
    target = Agency.objects.create(
        province=result.unit,
        name=agency.name,
        short_name=agency.short_name,
        kind=agency.kind,
        email=agency.email,
        is_coordinator=is_coordinator,
    )
    result.agencies[normalise(target.name)] = target
    result.steps.append(_("Tạo %(agency)s ở %(unit)s.") % {"agency": target.name, "unit": result.unit.name})
    return target


def _leave(result, agency, reason):
    accounts = agency.memberships.count()
    if accounts:
        result.left.append(
            _("%(agency)s (%(former)s): %(reason)s; %(count)s tài khoản giữ nguyên.")
            % {"agency": agency.name, "former": agency.province.name, "reason": reason, "count": accounts}
        )


def _carry_aliases(result, agency, target):
    names = [*agency.aliases, *([agency.name] if agency.name != target.name else [])]
    new = [name for name in names if name not in target.aliases and normalise(name) != normalise(target.name)]
    new = new[: max(0, MAX_ALIASES - len(target.aliases))]  # the field's own bound (validate_aliases)
    if new:
        target.aliases = [*target.aliases, *new]
        target.save(update_fields=["aliases"])
        result.steps.append(_("%(agency)s: thêm tên gọi khác %(names)s.") % {"agency": target.name, "names": ", ".join(new)})


# A person with a role at both agencies keeps the one that lets them do more.
ROLE_RANK = {Membership.Role.VIEWER: 0, Membership.Role.REPORTER: 1, Membership.Role.COORDINATOR: 2}


def _move_memberships(result, agency, target):
    for membership in agency.memberships.select_related("user"):
        existing = Membership.objects.filter(user_id=membership.user_id, agency=target).first()
        if existing is None:
            membership.agency = target
            membership.save(update_fields=["agency"])
        else:
            if ROLE_RANK.get(membership.role, 0) > ROLE_RANK.get(existing.role, 0):
                existing.role = membership.role
                existing.save(update_fields=["role"])
            membership.delete()
        result.steps.append(
            _("Chuyển tài khoản %(user)s từ %(agency)s (%(former)s) sang %(target)s.")
            % {
                "user": membership.user.get_username(),
                "agency": agency.name,
                "former": agency.province.name,
                "target": target.name,
            }
        )


def _carry_group(result, group, targets):
    if group.member_kind in NOT_CARRIED:
        return
    unit = result.unit
    target = next((g for g in AgencyGroup.objects.filter(province=unit) if normalise(g.name) == normalise(group.name)), None)
    if target is None:
        target = AgencyGroup.objects.create(province=unit, name=group.name, member_kind=group.member_kind, aliases=group.aliases)
        result.steps.append(_("Tạo nhóm %(group)s ở %(unit)s.") % {"group": target.name, "unit": unit.name})
    present = set(target.members.values_list("pk", flat=True))
    joining = [targets[m.pk] for m in group.members.all() if m.pk in targets and targets[m.pk].pk not in present]
    if joining:
        target.members.add(*joining)
        result.steps.append(
            _("Nhóm %(group)s: thêm %(agencies)s.") % {"group": target.name, "agencies": ", ".join(a.name for a in joining)}
        )
