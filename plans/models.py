"""What a province commits to: its agencies, plans, targets and tasks, and who works on them."""

import datetime

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce, Lower
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from indicators.models import Dimension, PerformanceGroup, Province, SubDimension
from papi_tracker.collation import vietnamese
from papi_tracker.labels import label_of
from papi_tracker.limits import (
    AMENDMENT_NUMBER_MAX_LENGTH,
    AMENDMENT_SUMMARY_MAX_LENGTH,
    FIRST_PLAN_YEAR,
    LAST_PLAN_YEAR,
    MAX_TASKS_PER_PLAN,
    PLAN_GOAL_MAX_LENGTH,
    PLAN_YEAR_MARGIN,
    TASK_TEXT_MAX_LENGTH,
)

# Provinces ranked in one year's PAPI: 63 until the mergers of 1/7/2025.
MOST_PROVINCES_RANKED = 63
MAX_ALIASES, ALIAS_MAX_LENGTH = 50, 200


def validate_aliases(value):
    """Other spellings of a name, as the Excel import reads them: a list of short texts."""
    if (
        not isinstance(value, list)
        or len(value) > MAX_ALIASES
        or not all(isinstance(name, str) and 0 < len(name.strip()) <= ALIAS_MAX_LENGTH for name in value)
    ):
        message = _(
            'Ghi tên gọi khác thành danh sách, ví dụ ["UBND xã", "Ủy ban xã"]: '
            "tối đa %(count)s tên, mỗi tên tối đa %(length)s ký tự."
        )
        raise ValidationError(message, params={"count": MAX_ALIASES, "length": ALIAS_MAX_LENGTH})


class AgencyKind(models.TextChoices):
    DEPARTMENT = "department", _("Sở, ban, ngành")
    DISTRICT_COMMITTEE = "district_committee", _("UBND cấp huyện")
    COMMUNE_COMMITTEE = "commune_committee", _("UBND cấp xã")
    INSPECTORATE = "inspectorate", _("Thanh tra")
    POLICE = "police", _("Công an")
    COURT = "court", _("Tòa án, Viện kiểm sát")
    FRONT = "front", _("Mặt trận Tổ quốc, đoàn thể")
    CENTRAL = "central", _("Cơ quan trung ương đóng trên địa bàn")
    COMPANY = "company", _("Doanh nghiệp nhà nước")
    MEDIA = "media", _("Báo, đài")
    OTHER = "other", _("Khác")


class Agency(models.Model):
    """An agency that leads or coordinates tasks and reports on them (cơ quan, đơn vị)."""

    province = models.ForeignKey(Province, verbose_name=_("tỉnh, thành phố"), on_delete=models.PROTECT, related_name="agencies")
    name = models.CharField(_("tên"), max_length=200)
    short_name = models.CharField(_("tên viết tắt"), max_length=50, blank=True)
    kind = models.CharField(_("loại"), max_length=20, choices=AgencyKind, default=AgencyKind.DEPARTMENT)
    is_coordinator = models.BooleanField(
        _("cơ quan thường trực"), default=False, help_text=_("Sở Nội vụ: tổng hợp báo cáo của tỉnh.")
    )
    aliases = models.JSONField(
        _("tên gọi khác"),
        default=list,
        blank=True,
        validators=[validate_aliases],
        help_text=_("Cách viết khác gặp trong văn bản, dùng khi nhập từ Excel."),
    )
    email = models.EmailField(_("thư điện tử"), blank=True)

    class Meta:
        verbose_name = _("cơ quan, đơn vị")
        verbose_name_plural = pgettext_lazy("plural", "cơ quan, đơn vị")
        ordering = [vietnamese("province__name"), vietnamese("name")]
        constraints = [
            models.UniqueConstraint(fields=["province", "name"], name="agency_unique_name"),
            # "Sở Công thương" and "Sở Công Thương" are one agency.
            models.UniqueConstraint(Lower("name"), "province", name="agency_unique_name_ci"),
            models.UniqueConstraint(fields=["province"], condition=Q(is_coordinator=True), name="agency_one_coordinator"),
        ]

    def __str__(self):
        return self.name


class AgencyGroupQuerySet(models.QuerySet):
    """Group membership, the one rule (with AgencyGroup.members_condition for one group): a
    group's members are the agencies it names, plus, when its member_kind is set, every agency
    of that kind in the group's province. Each reading of the rule keeps the query shape its
    page was measured with (subqueries, literal ids): see DEVELOPING.md, "Speed"."""

    def containing(self, agency):
        """The groups the agency belongs to: by its kind, or by name."""
        return self.filter(Q(province_id=agency.province_id, member_kind=agency.kind) | Q(members=agency)).distinct()

    def members_condition(self, province_id):
        """A condition on Agency: a member of any of these groups, all of `province_id` (a plan's
        groups are its province's: TaskAssignment.clean). Subqueries, not joins, so the database
        need not sort out duplicates."""
        kinds = self.exclude(member_kind="").values("member_kind")
        named = AgencyGroup.members.through.objects.filter(agencygroup__in=self).values("agency_id")
        return Q(province_id=province_id, kind__in=kinds) | Q(pk__in=named)

    def member_ids(self):
        """{group id: {agency id…}} for these groups, in at most three queries whatever their
        number: for pages that expand many groups in memory."""
        groups = {pk: (province_id, kind) for pk, province_id, kind in self.values_list("pk", "province_id", "member_kind")}
        result = {pk: set() for pk in groups}
        for group_id, agency_id in AgencyGroup.members.through.objects.filter(agencygroup_id__in=list(groups)).values_list(
            "agencygroup_id", "agency_id"
        ):
            result[group_id].add(agency_id)
        kinds = {(province_id, kind) for province_id, kind in groups.values() if kind}
        if kinds:
            by_kind = {pair: set() for pair in kinds}
            # Two IN lists (a query of fixed size), then the exact pairs kept here.
            candidates = Agency.objects.filter(province_id__in={p for p, _ in kinds}, kind__in={k for _, k in kinds})
            for pk, province_id, kind in candidates.values_list("pk", "province_id", "kind"):
                if (province_id, kind) in by_kind:
                    by_kind[(province_id, kind)].add(pk)
            for pk, pair in groups.items():
                result[pk] |= by_kind.get(pair, set())
        return result


class AgencyGroup(models.Model):
    """A named set of agencies a task can be assigned to, e.g. "UBND cấp xã". Who belongs to
    it: AgencyGroupQuerySet."""

    province = models.ForeignKey(
        Province, verbose_name=_("tỉnh, thành phố"), on_delete=models.PROTECT, related_name="agency_groups"
    )
    name = models.CharField(_("tên"), max_length=200)
    member_kind = models.CharField(
        _("gồm mọi cơ quan loại"),
        max_length=20,
        choices=AgencyKind,
        blank=True,
        help_text=_("Nhóm tự động gồm mọi cơ quan thuộc loại này trong tỉnh."),
    )
    members = models.ManyToManyField(Agency, verbose_name=_("thành viên khác"), blank=True, related_name="explicit_groups")
    aliases = models.JSONField(_("tên gọi khác"), default=list, blank=True, validators=[validate_aliases])

    objects = AgencyGroupQuerySet.as_manager()

    class Meta:
        verbose_name = _("nhóm cơ quan")
        verbose_name_plural = pgettext_lazy("plural", "nhóm cơ quan")
        ordering = [vietnamese("province__name"), vietnamese("name")]
        constraints = [models.UniqueConstraint(fields=["province", "name"], name="agency_group_unique_name")]

    def __str__(self):
        return self.name

    def members_condition(self, path=""):
        """A condition on Agency (or, given a path to an agency such as "report__agency", on the
        rows that lead to one) that holds for this group's members: the rule of AgencyGroupQuerySet."""
        prefix = f"{path}__" if path else ""
        named = AgencyGroup.members.through.objects.filter(agencygroup=self.pk).values("agency_id")
        condition = Q(**{f"{path}__in" if path else "pk__in": named})
        if self.member_kind:
            condition |= Q(**{f"{prefix}province_id": self.province_id, f"{prefix}kind": self.member_kind})
        return condition

    def agencies(self):
        """Every agency in the group."""
        return Agency.objects.filter(self.members_condition())


class Membership(models.Model):
    """A user's role at an agency; it scopes everything the user may see."""

    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("Điều phối (Sở Nội vụ)")
        REPORTER = "reporter", _("Báo cáo viên")
        VIEWER = "viewer", _("Lãnh đạo (chỉ xem)")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người dùng"), on_delete=models.CASCADE, related_name="memberships"
    )
    agency = models.ForeignKey(Agency, verbose_name=_("cơ quan"), on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("vai trò"), max_length=20, choices=Role)

    class Meta:
        verbose_name = _("phân quyền")
        verbose_name_plural = pgettext_lazy("plural", "phân quyền")
        ordering = [vietnamese("agency__province__name"), vietnamese("agency__name"), "user__username"]
        constraints = [models.UniqueConstraint(fields=["user", "agency"], name="membership_unique")]

    def __str__(self):
        return f"{self.user} · {self.agency} · {self.get_role_display()}"

    def clean(self):
        # A plan issued by a district, commune or department names its own coordinating agency
        # (Phòng Nội vụ, the commune's committee): its staff run that plan, and only that plan.
        if (
            self.role == self.Role.COORDINATOR
            and self.agency_id
            and not self.agency.is_coordinator
            and not self.agency.coordinated_plans.exists()
        ):
            raise ValidationError(
                {
                    "role": _(
                        "Chỉ cán bộ của cơ quan thường trực (Sở Nội vụ), hoặc của cơ quan điều phối một kế hoạch "
                        "cấp huyện, cấp xã, cấp sở, mới có vai trò điều phối."
                    )
                }
            )


class Plan(models.Model):
    """A PAPI improvement plan (Kế hoạch nâng cao Chỉ số PAPI) as issued: by the province's
    People's Committee, or by a department, a district (before 1/7/2025) or a commune committee
    implementing it; for one year, or several (a programme 2021–2025)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Đang soạn")
        ACTIVE = "active", _("Đang thực hiện")
        CLOSED = "closed", _("Đã kết thúc")

    class IssuerKind(models.TextChoices):
        PROVINCE = "province", _("UBND tỉnh, thành phố")
        DEPARTMENT = "department", _("Sở, ban, ngành")
        DISTRICT = "district", _("UBND cấp huyện (trước 01/07/2025)")
        COMMUNE = "commune", _("UBND cấp xã")

    province = models.ForeignKey(Province, verbose_name=_("tỉnh, thành phố"), on_delete=models.PROTECT, related_name="plans")
    year = models.PositiveSmallIntegerField(
        _("năm"), validators=[MinValueValidator(FIRST_PLAN_YEAR), MaxValueValidator(LAST_PLAN_YEAR)]
    )
    title = models.CharField(_("tiêu đề"), max_length=500)
    document_number = models.CharField(_("số, ký hiệu"), max_length=50, help_text=_("Ví dụ: 179/KH-UBND"))
    issue_date = models.DateField(_("ngày ban hành"), null=True, blank=True)
    issuer = models.CharField(_("cơ quan ban hành"), max_length=200, blank=True)
    signer = models.CharField(_("người ký"), max_length=100, blank=True)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=200, blank=True)
    issuer_kind = models.CharField(_("cấp ban hành"), max_length=12, choices=IssuerKind, default=IssuerKind.PROVINCE)
    issuing_agency = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan ban hành"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="issued_plans",
        help_text=_("Sở, UBND cấp huyện hoặc cấp xã ban hành; để trống cho kế hoạch của UBND tỉnh."),
    )
    coordinating_agency = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan điều phối"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coordinated_plans",
        help_text=_("Cơ quan theo dõi kế hoạch (ví dụ Phòng Nội vụ); để trống: Sở Nội vụ của tỉnh."),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("thực hiện kế hoạch"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        help_text=_("Kế hoạch cấp trên mà kế hoạch này triển khai."),
    )
    end_year = models.PositiveSmallIntegerField(
        _("đến năm"),
        null=True,
        blank=True,
        validators=[MinValueValidator(FIRST_PLAN_YEAR), MaxValueValidator(LAST_PLAN_YEAR)],
        help_text=_("Cho kế hoạch, chương trình nhiều năm (ví dụ 2021–2025); để trống cho kế hoạch một năm."),
    )
    baseline_year = models.PositiveSmallIntegerField(
        _("năm cơ sở"),
        validators=[MinValueValidator(FIRST_PLAN_YEAR), MaxValueValidator(LAST_PLAN_YEAR)],
        help_text=_("Năm có kết quả PAPI dùng làm mốc so sánh."),
    )
    goal = models.TextField(_("mục tiêu chung"), max_length=PLAN_GOAL_MAX_LENGTH, blank=True)
    rank_goal = models.PositiveSmallIntegerField(
        _("mục tiêu xếp hạng"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MOST_PROVINCES_RANKED)],
        help_text=_("Ví dụ 20: trong nhóm 20 tỉnh dẫn đầu."),
    )
    group_goal = models.PositiveSmallIntegerField(_("mục tiêu nhóm"), choices=PerformanceGroup, null=True, blank=True)
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status, default=Status.ACTIVE)
    # Raised by every write that can change the plan's progress figures (reporting/figures.py), so
    # figures cached under the old value are never read again.
    progress_version = models.PositiveBigIntegerField(default=0, editable=False)
    # Raised only by the writes that change what the figures are built on (tasks, who answers for
    # them, agencies, groups, periods), not by reports: after a report is sent, returned or
    # accepted the dashboard reads again only that agency's answers (reporting/figures.py).
    structure_version = models.PositiveBigIntegerField(default=0, editable=False)
    # "Lập kế hoạch năm sau": the plan this one was made from (reporting/next_year.py). Not
    # `parent`, which is the plan a lower level implements. One next plan per plan (unique).
    carried_from = models.ForeignKey(
        "self",
        verbose_name=_("chuyển tiếp từ kế hoạch"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="carried_into",
        help_text=_("Kế hoạch năm trước mà kế hoạch này được lập tiếp từ đó."),
    )
    # "Công khai kế hoạch": when and by whom the plan's public page was opened to citizens (the
    # `public` app); null while it is not published. Written only by plans/publication.py, which
    # Plan.save asks too: saved as a draft, a plan is unpublished.
    published_at = models.DateTimeField(_("công khai lúc"), null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người công khai"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    # Written only by their own functions (touch_plans, plans.publication), never by a save of a
    # copy read earlier: that would write an older version back, or publish again a plan just
    # withdrawn from the public page.
    OWN_WRITES = ("progress_version", "structure_version", "published_at", "published_by")

    # Who changed what, shown on the plan's page (papi_tracker.history); the version is bookkeeping.
    history = HistoricalRecords(excluded_fields=["progress_version", "structure_version"])

    class Meta:
        verbose_name = _("kế hoạch")
        verbose_name_plural = pgettext_lazy("plural", "kế hoạch")
        ordering = ["-year", vietnamese("province__name")]
        constraints = [
            models.UniqueConstraint(fields=["province", "document_number"], name="plan_unique_document"),
            models.CheckConstraint(condition=Q(baseline_year__lt=models.F("year")), name="plan_baseline_before_year"),
            models.CheckConstraint(
                condition=Q(end_year__isnull=True) | Q(end_year__gt=models.F("year")), name="plan_end_after_start"
            ),
            # A second click on "Lập kế hoạch năm sau" finds the plan the first one made.
            models.UniqueConstraint(
                fields=["carried_from"],
                name="plan_carried_once",
                violation_error_message=_("Kế hoạch này đã được chuyển tiếp sang kế hoạch năm sau."),
            ),
        ]
        indexes = [models.Index(fields=["province", "year"], name="plan_province_year")]

    def __str__(self):
        return f"{self.document_number} · {self.province.name} {self.years_label}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            if kwargs.get("update_fields") is None:
                # Only touch_plans raises progress_version: a copy of the plan read earlier must not
                # write an older number back, or figures stored under it would be read again.
                kwargs["update_fields"] = [
                    f.name for f in self._meta.concrete_fields if not f.primary_key and f.name not in self.OWN_WRITES
                ]
            # A plan saved as a draft leaves its public page in the same UPDATE, whoever saves its
            # status (the admin's form, a loader, a service): here, so that no writer can forget.
            # The rule is plans.publication's (imported here: it imports this module).
            from .publication import withdrawn_if_draft

            kwargs["update_fields"] = withdrawn_if_draft(self, kwargs["update_fields"])
        super().save(*args, **kwargs)

    def clean(self):
        errors = plan_date_errors(self, issue_date=self.issue_date)
        if self.province_id and self.date_bounds() and not self.province.valid_for_plan_year(self.year):
            errors["province"] = ValidationError(self._unit_in_force_message())
        if self.end_year is not None and isinstance(self.year, int) and self.end_year <= self.year:
            errors["end_year"] = ValidationError(_("Năm kết thúc phải sau năm bắt đầu."))
        errors.update(self._issuer_errors())
        if errors:
            raise ValidationError(errors)

    @property
    def last_year(self):
        return self.end_year or self.year

    @property
    def is_public(self):
        """Whether citizens read it on its public page: published and not a draft (the same rule
        as plans.access.public_plans)."""
        return self.published_at is not None and self.status != self.Status.DRAFT

    @property
    def years(self):
        return range(self.year, self.last_year + 1)

    @property
    def years_label(self):
        """ "2020", or "2021–2025" for a plan of several years."""
        return f"{self.year}–{self.end_year}" if self.end_year else str(self.year)

    @property
    def document_kind(self):
        """What the plan was issued as, read from its number's type code (Decree 30/2020/NĐ-CP,
        Appendix III): "Quyết định" for "46/QĐ-UBND", otherwise "Kế hoạch" (179/KH-UBND)."""
        kind = self.document_number.split("/", 1)[1] if "/" in self.document_number else ""
        return "Quyết định" if kind.upper().startswith(("QĐ", "QD")) else "Kế hoạch"

    @property
    def issuer_name(self):
        """Who issued it, as pages and PDFs head it: the issuing agency, else the text as written."""
        return str(self.issuing_agency) if self.issuing_agency_id else self.issuer

    # The committee levels that issue plans: districts until the reorganisation of 1/7/2025 (no
    # plan of theirs after 2025), communes of the new two-level government from 2025.
    ISSUER_AGENCY_KINDS = {
        IssuerKind.DEPARTMENT: None,  # any provincial agency
        IssuerKind.DISTRICT: "district_committee",
        IssuerKind.COMMUNE: "commune_committee",
    }

    def _issuer_errors(self):
        errors = {}
        for name in ("issuing_agency", "coordinating_agency"):
            agency = getattr(self, name) if getattr(self, f"{name}_id") else None
            if agency is not None and self.province_id and agency.province_id != self.province_id:
                errors[name] = ValidationError(_("Cơ quan phải thuộc tỉnh, thành phố của kế hoạch."))
        if self.issuer_kind == self.IssuerKind.PROVINCE:
            if self.issuing_agency_id:
                errors.setdefault("issuing_agency", ValidationError(_("Kế hoạch của UBND tỉnh không ghi cơ quan ban hành khác.")))
            return errors | self._parent_errors()
        kind = self.ISSUER_AGENCY_KINDS[self.issuer_kind]
        if not self.issuing_agency_id:
            errors["issuing_agency"] = ValidationError(_("Hãy chọn cơ quan ban hành kế hoạch."))
        elif kind and self.issuing_agency.kind != kind:
            errors.setdefault("issuing_agency", ValidationError(_("Cơ quan ban hành không thuộc cấp đã chọn.")))
        if isinstance(self.year, int):
            if self.issuer_kind == self.IssuerKind.DISTRICT and self.year > 2025:
                errors["issuer_kind"] = ValidationError(
                    _("Từ 01/07/2025 không còn cấp huyện: kế hoạch năm 2026 trở đi do cấp xã ban hành.")
                )
            if self.issuer_kind == self.IssuerKind.COMMUNE and self.year < 2025:
                errors["issuer_kind"] = ValidationError(_("Trước năm 2025, kế hoạch cấp cơ sở do UBND cấp huyện ban hành."))
        return errors | self._parent_errors()

    def _parent_errors(self):
        """The plan it implements: of the same unit (or a former province of it), not itself."""
        if not self.parent_id:
            return {}
        if self.pk and self.parent_id == self.pk:
            return {"parent": ValidationError(_("Kế hoạch không thể triển khai chính nó."))}
        parent = self.parent
        if self.province_id and self.province_id not in (parent.province_id, parent.province.successor_id):
            return {"parent": ValidationError(_("Kế hoạch cấp trên phải của cùng tỉnh, thành phố."))}
        return {}

    def _unit_in_force_message(self):
        """A plan is made for a unit in force in its year: from 2025 the 34 units of 1/7/2025,
        before that the 63 provinces; say which to choose."""
        if self.province.successor_id:
            return _("Từ năm 2025, kế hoạch lập cho đơn vị sau sắp xếp ngày 01/07/2025: hãy chọn %(unit)s.") % {
                "unit": self.province.successor.name
            }
        names = ", ".join(p.name for p in self.province.predecessors.order_by(vietnamese("name")))
        return _("Trước năm 2025, kế hoạch lập cho tỉnh, thành phố trước sắp xếp: hãy chọn %(units)s (trước 01/07/2025).") % {
            "units": names
        }

    def date_bounds(self):
        """The first and last day a person may give as a date of this plan (its issue date,
        periods, deadlines): its year, or the one before or after (a plan may be issued in
        December, the year's report is due in January). None while the year is not valid."""
        if not isinstance(self.year, int) or not FIRST_PLAN_YEAR <= self.year <= LAST_PLAN_YEAR:
            return None
        last = self.end_year if isinstance(self.end_year, int) and self.end_year > self.year else self.year
        last = min(last, LAST_PLAN_YEAR)
        return datetime.date(self.year - PLAN_YEAR_MARGIN, 1, 1), datetime.date(last + PLAN_YEAR_MARGIN, 12, 31)


def plan_date_errors(plan, **days):
    """{field name: ValidationError} for each of the given dates outside plan.date_bounds()."""
    bounds = plan.date_bounds() if plan is not None else None
    if bounds is None:
        return {}
    first, last = bounds
    message = _("Ngày phải trong khoảng %(first)s – %(last)s: năm %(year)s của kế hoạch, năm trước hoặc năm sau.")
    params = {"first": first.strftime("%d/%m/%Y"), "last": last.strftime("%d/%m/%Y"), "year": plan.years_label}
    return {
        name: ValidationError(message, code="outside_plan_years", params=params)
        for name, day in days.items()
        if isinstance(day, datetime.date) and not first <= day <= last
    }


def touch_plans(plans, structure=True):
    """Mark the plans' progress figures as changed (see Plan.progress_version); `plans` is a
    queryset of ids or a list of them. Bulk writes call it; other saves reach it by signals.
    `structure=False` only for writes of reports that raise each written report's version or
    updated_at (reporting/figures.py keeps each agency's answers by them); by default the plan's
    whole figures are built again."""
    changes = {"progress_version": models.F("progress_version") + 1}
    if structure:
        changes["structure_version"] = models.F("structure_version") + 1
    Plan.objects.filter(pk__in=plans).update(**changes)


class TargetQuerySet(models.QuerySet):
    def of_year(self, plan, year=None):
        """All the plan's targets for `year` (by default its first), its sub-dimensions' included:
        a target without a year is for the plan's first year."""
        year = year or plan.year
        in_year = Q(year=year) | Q(year__isnull=True) if year == plan.year else Q(year=year)
        return self.filter(in_year, plan=plan)

    def of_dimensions(self, plan, year=None):
        """The plan's targets for whole dimensions in `year`: at most one per dimension."""
        return self.of_year(plan, year).filter(sub_dimension__isnull=True)


class Target(models.Model):
    """A plan's aim for one dimension (or one of its sub-dimensions) in one of its years, as
    written: a score with its comparator ("đạt 5,40 điểm" is at least, "trên 5,40" above), a
    performance group or better, a place in the ranking (top N), a rise of at least N places
    over the baseline year; any of them together."""

    class Comparator(models.TextChoices):
        AT_LEAST = "gte", _("đạt (từ … trở lên)")
        ABOVE = "gt", _("trên")

    plan = models.ForeignKey(Plan, verbose_name=_("kế hoạch"), on_delete=models.CASCADE, related_name="targets")
    dimension = models.ForeignKey(Dimension, verbose_name=_("chỉ số nội dung"), on_delete=models.PROTECT, related_name="targets")
    sub_dimension = models.ForeignKey(
        SubDimension,
        verbose_name=_("chỉ số thành phần"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="targets",
        help_text=_("Để trống: chỉ tiêu cho cả chỉ số nội dung."),
    )
    year = models.PositiveSmallIntegerField(
        _("năm"),
        null=True,
        blank=True,
        validators=[MinValueValidator(FIRST_PLAN_YEAR), MaxValueValidator(LAST_PLAN_YEAR)],
        help_text=_("Năm của chỉ tiêu trong kế hoạch nhiều năm; để trống: năm của kế hoạch."),
    )
    baseline_score = models.DecimalField(_("điểm năm cơ sở"), max_digits=6, decimal_places=4, null=True, blank=True)
    comparator = models.CharField(_("so sánh"), max_length=3, choices=Comparator, default=Comparator.AT_LEAST)
    target_score = models.DecimalField(
        _("điểm phấn đấu"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    target_group = models.PositiveSmallIntegerField(
        _("nhóm phấn đấu"), choices=PerformanceGroup, null=True, blank=True, help_text=_("Nhóm này hoặc cao hơn.")
    )
    target_rank = models.PositiveSmallIntegerField(
        _("xếp hạng phấn đấu"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MOST_PROVINCES_RANKED)],
        help_text=_("Ví dụ 20: trong nhóm 20 tỉnh dẫn đầu chỉ số này."),
    )
    rank_rise = models.PositiveSmallIntegerField(
        _("tăng hạng ít nhất"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MOST_PROVINCES_RANKED - 1)],
        help_text=_("Số bậc tăng so với năm cơ sở, ví dụ 1 cho “tăng ít nhất 01 bậc”."),
    )
    text = models.CharField(_("chỉ tiêu như văn bản ghi"), max_length=300, blank=True)

    objects = TargetQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = pgettext_lazy("plan target", "chỉ tiêu")
        verbose_name_plural = pgettext_lazy("plan targets", "chỉ tiêu")
        ordering = ["plan", "year", "dimension__number", "sub_dimension__code"]
        constraints = [
            # One aim per dimension (or sub-dimension) and year; null year: the plan's own year.
            models.UniqueConstraint(
                Coalesce("year", 0),
                "plan",
                "dimension",
                Coalesce("sub_dimension", 0),
                name="target_one_per_dimension_and_year",
                violation_error_message=_("Kế hoạch đã có chỉ tiêu cho chỉ số này trong năm này."),
            ),
            models.CheckConstraint(
                condition=Q(target_score__isnull=False)
                | Q(target_group__isnull=False)
                | Q(target_rank__isnull=False)
                | Q(rank_rise__isnull=False),
                name="target_has_an_aim",
            ),
            models.CheckConstraint(
                condition=Q(target_score__isnull=True) | Q(target_score__gte=1, target_score__lte=10),
                name="target_score_in_scale",
            ),
            models.CheckConstraint(
                condition=Q(target_rank__isnull=True) | Q(target_rank__gte=1, target_rank__lte=MOST_PROVINCES_RANKED),
                name="target_rank_in_range",
            ),
        ]

    def __str__(self):
        parts = []
        if self.target_score is not None:
            parts.append(str(self.target_score))
        if self.target_group:
            parts.append(self.get_target_group_display())
        if self.target_rank:
            parts.append(_("tốp %(rank)s") % {"rank": self.target_rank})
        if self.rank_rise:
            parts.append(_("tăng %(places)s bậc") % {"places": self.rank_rise})
        return f"{self.sub_dimension or self.dimension}: {' / '.join(str(p) for p in parts)}"

    def save(self, *args, **kwargs):
        # The plan's first year is written as no year (TargetQuerySet.of_dimensions), so one
        # dimension cannot hold two targets for that year, one with the year and one without.
        if self.year is not None and self.plan_id and self.year == self.plan.year:
            self.year = None
        super().save(*args, **kwargs)

    @property
    def for_year(self):
        return self.year or self.plan.year

    @property
    def score_label(self):
        """ "5,40" at least, or "trên 5,40": the score aim as the plan writes it."""
        if self.target_score is None:
            return ""
        shown = number_format(self.target_score, 2)
        return _("trên %(score)s") % {"score": shown} if self.comparator == self.Comparator.ABOVE else shown

    @property
    def rank_label(self):
        parts = []
        if self.target_rank:
            parts.append(_("tốp %(rank)s") % {"rank": self.target_rank})
        if self.rank_rise:
            parts.append(_("tăng ít nhất %(places)s bậc") % {"places": self.rank_rise})
        return ", ".join(str(p) for p in parts)

    def clean(self):
        errors = {}
        if self.sub_dimension_id and self.dimension_id and self.sub_dimension.dimension_id != self.dimension_id:
            errors["sub_dimension"] = ValidationError(_("Chỉ số thành phần không thuộc chỉ số nội dung đã chọn."))
        if self.year is not None and self.plan_id and self.year == self.plan.year:
            self.year = None  # as save() writes it, so the unique check below sees the same row
        if self.year is not None and self.plan_id and self.year not in self.plan.years:
            errors["year"] = ValidationError(
                _("Năm phải trong các năm của kế hoạch (%(years)s).") % {"years": self.plan.years_label}
            )
        if all(getattr(self, name) is None for name in ("target_score", "target_group", "target_rank", "rank_rise")):
            errors[NON_FIELD_ERRORS] = ValidationError(_("Hãy nhập điểm, nhóm, xếp hạng hoặc số bậc tăng."))
        if errors:
            raise ValidationError(errors)


class TaskQuerySet(models.QuerySet):
    def listed(self):
        """Tasks as every page and file lists them: in plan order, with their dimension,
        sub-dimension and assignments (agency or group) read in two more queries."""
        return (
            self.select_related("dimension", "sub_dimension")
            .prefetch_related(models.Prefetch("assignments", queryset=TaskAssignment.objects.select_related("agency", "group")))
            .order_by("order", "id")
        )


class CarriedStatus(models.TextChoices):
    """A carried task's status in the plan it came from, as reporting.progress judged it on the
    day it was carried: the codes and labels of reporting.models.TaskProgress.Status (plans
    cannot import reporting; tests/plans/test_next_year.py holds the two equal)."""

    NOT_STARTED = "not_started", _("Chưa thực hiện")
    IN_PROGRESS = "in_progress", _("Đang thực hiện")
    COMPLETED = "completed", _("Đã hoàn thành")


class Task(models.Model):
    """A task of the plan (nhiệm vụ, giải pháp), reported on by its lead and coordinating agencies."""

    class TimeframeKind(models.TextChoices):
        ONGOING = "ongoing", _("Thường xuyên")
        DEADLINE = "deadline", _("Có thời hạn")
        PERIODIC = "periodic", _("Định kỳ")
        OTHER = "other", _("Khác")
        # The document gives none: the plan's end applies, shown as implied, not as the task's own.
        UNSTATED = "unstated", _("Không nêu")

    plan = models.ForeignKey(Plan, verbose_name=_("kế hoạch"), on_delete=models.CASCADE, related_name="tasks")
    dimension = models.ForeignKey(
        Dimension,
        verbose_name=_("chỉ số nội dung"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
        help_text=_("Để trống cho nhiệm vụ chỉ đạo, điều hành chung."),
    )
    sub_dimension = models.ForeignKey(
        SubDimension, verbose_name=_("chỉ số thành phần"), on_delete=models.PROTECT, null=True, blank=True, related_name="tasks"
    )
    number = models.CharField(_("số thứ tự"), max_length=20, help_text=_("Như trong văn bản, ví dụ II.3"))
    order = models.PositiveIntegerField(_("thứ tự hiển thị"), default=0)
    title = models.TextField(_("nhiệm vụ"), max_length=TASK_TEXT_MAX_LENGTH)
    measure = models.TextField(pgettext_lazy("task measure", "chỉ tiêu"), max_length=TASK_TEXT_MAX_LENGTH, blank=True)
    measure_value = models.DecimalField(
        _("giá trị chỉ tiêu"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0, message=_("Giá trị chỉ tiêu không được âm."))],
    )
    measure_unit = models.CharField(_("đơn vị tính"), max_length=50, blank=True)
    # "trên 90 %" is above 90, "đạt 90 %" at least 90: the value alone loses the difference.
    measure_comparator = models.CharField(
        _("so sánh với giá trị chỉ tiêu"), max_length=3, choices=[("gte", _("đạt (từ … trở lên)")), ("gt", _("trên"))],
        default="gte",
    )  # fmt: skip
    supervisor = models.CharField(_("chỉ đạo thực hiện"), max_length=200, blank=True)
    timeframe_kind = models.CharField(_("loại thời hạn"), max_length=10, choices=TimeframeKind, default=TimeframeKind.ONGOING)
    timeframe_text = models.CharField(_("thời gian thực hiện"), max_length=200, blank=True)
    due_date = models.DateField(_("hạn hoàn thành"), null=True, blank=True)
    expected_output = models.TextField(_("kết quả, sản phẩm"), max_length=TASK_TEXT_MAX_LENGTH, blank=True)
    # Carried from last year's plan (reporting/next_year.py), with where it stood on that day.
    carried_from = models.ForeignKey(
        "self",
        verbose_name=_("chuyển tiếp từ nhiệm vụ"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="carried_into",
    )
    carried_status = models.CharField(_("trạng thái khi chuyển tiếp"), max_length=12, choices=CarriedStatus, blank=True)
    carried_percent = models.PositiveSmallIntegerField(
        _("tỷ lệ hoàn thành khi chuyển tiếp"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )

    objects = TaskQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("nhiệm vụ")
        verbose_name_plural = pgettext_lazy("plural", "nhiệm vụ")
        ordering = ["plan", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="task_unique_number"),
            models.CheckConstraint(
                condition=~Q(timeframe_kind="deadline") | Q(due_date__isnull=False), name="task_deadline_has_date"
            ),
            models.UniqueConstraint(
                fields=["plan", "carried_from"], condition=Q(carried_from__isnull=False), name="task_carried_once_per_plan"
            ),
            models.CheckConstraint(
                condition=Q(carried_percent__isnull=True) | Q(carried_percent__lte=100), name="task_carried_percent_in_range"
            ),
        ]

    def __str__(self):
        return f"{self.number}. {self.title[:80]}"

    @property
    def lead_assignments(self):
        """The leads as the document names them (prefetched by `listed()`); none: "không nêu"."""
        return [a for a in self.assignments.all() if a.role == TaskAssignment.Role.LEAD]

    @property
    def coordinating_assignments(self):
        return [a for a in self.assignments.all() if a.role == TaskAssignment.Role.COORDINATING]

    @property
    def carried_status_label(self):
        """Where a carried task stood in last year's plan, e.g. "Đang thực hiện"; "" if not carried."""
        return label_of(CarriedStatus, self.carried_status) if self.carried_status else ""

    @property
    def timeframe_label(self):
        """The timeframe as written, else its kind; "not stated" says the plan's end applies."""
        if self.timeframe_kind == self.TimeframeKind.UNSTATED:
            return _("Không nêu (theo thời hạn của kế hoạch)")
        return self.timeframe_text or label_of(self.TimeframeKind, self.timeframe_kind)

    @property
    def measures_percent(self):
        """Whether the measure is a percentage ("%", "% hài lòng"): its values stay within 0–100."""
        return self.measure_unit.strip().startswith("%")

    def bounds_errors(self):
        """{field: ValidationError} for a due date outside the plan's years and a percentage
        over 100 (a negative value is the field's own validator); the admin (clean) and the
        Excel import both ask here."""
        errors = plan_date_errors(self.plan if self.plan_id else None, due_date=self.due_date)
        if self.measure_value is not None and self.measures_percent and self.measure_value > 100:
            errors["measure_value"] = ValidationError(_("Chỉ tiêu tính theo phần trăm: giá trị tối đa là 100."))
        return errors

    def clean(self):
        errors = self.bounds_errors()
        if self.sub_dimension_id and self.sub_dimension.dimension_id != self.dimension_id:
            errors["sub_dimension"] = ValidationError(_("Chỉ số thành phần không thuộc chỉ số nội dung đã chọn."))
        if self.plan_is_full():
            # Not beside a field: the plan is hidden in the plan page's task rows.
            errors[NON_FIELD_ERRORS] = ValidationError(
                _("Kế hoạch đã có %(max)s nhiệm vụ, số nhiệm vụ tối đa của một kế hoạch: không thêm được nữa."),
                params={"max": MAX_TASKS_PER_PLAN},
            )
        if errors:
            raise ValidationError(errors)

    def plan_is_full(self):
        """Whether this new task would take its plan past MAX_TASKS_PER_PLAN, the number the
        report form's request limits are sized for (settings.DATA_UPLOAD_MAX_NUMBER_FIELDS)."""
        if not self._state.adding or not self.plan_id:
            return False
        return Task.objects.filter(plan_id=self.plan_id).count() >= MAX_TASKS_PER_PLAN


class TaskAssignment(models.Model):
    """One agency or group leading or coordinating a task; reporting obligations derive from these."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Chủ trì")
        COORDINATING = "coordinating", _("Phối hợp")

    task = models.ForeignKey(Task, verbose_name=_("nhiệm vụ"), on_delete=models.CASCADE, related_name="assignments")
    role = models.CharField(_("vai trò"), max_length=12, choices=Role)
    agency = models.ForeignKey(
        Agency, verbose_name=_("cơ quan"), on_delete=models.PROTECT, null=True, blank=True, related_name="assignments"
    )
    group = models.ForeignKey(
        AgencyGroup, verbose_name=_("nhóm cơ quan"), on_delete=models.PROTECT, null=True, blank=True, related_name="assignments"
    )
    # Where the document names it: on the task's own line, or in its block's header ("Cơ quan
    # phối hợp: …" above several tasks). Pages show the difference.
    from_block = models.BooleanField(
        _("ghi chung cho khối"), default=False, help_text=_("Văn bản ghi ở đầu khối nhiệm vụ, không ở dòng của nhiệm vụ.")
    )

    class Meta:
        verbose_name = _("phân công")
        verbose_name_plural = pgettext_lazy("plural", "phân công")
        ordering = ["task", "-role", "id"]  # "lead" sorts after "coordinating": leads first
        constraints = [
            models.CheckConstraint(
                condition=Q(agency__isnull=False, group__isnull=True) | Q(agency__isnull=True, group__isnull=False),
                name="assignment_agency_xor_group",
            ),
            # One agency may lead and coordinate the same task (Đắk Nông's V.6 names Sở TN&MT in
            # both); for reporting it leads (plans.obligations).
            models.UniqueConstraint(
                fields=["task", "role", "agency"], condition=Q(agency__isnull=False), name="assignment_unique_agency_role"
            ),
            models.UniqueConstraint(
                fields=["task", "role", "group"], condition=Q(group__isnull=False), name="assignment_unique_group_role"
            ),
        ]
        indexes = [
            # Which tasks an agency reports on (to-do list, report form).
            models.Index(fields=["agency", "role"], name="assignment_agency_role"),
            models.Index(fields=["group", "role"], name="assignment_group_role"),
        ]

    def __str__(self):
        return f"{self.get_role_display()}: {self.agency or self.group}"

    def clean(self):
        assignee = self.agency or self.group
        if assignee and self.task_id and assignee.province_id != self.task.plan.province_id:
            raise ValidationError(_("Cơ quan được phân công phải thuộc tỉnh của kế hoạch."))


class PlanAmendment(models.Model):
    """A decision that amends a plan (quyết định, văn bản sửa đổi, bổ sung): its number, the day it
    was issued and what it changed. The plan page shows which were in force on a day."""

    plan = models.ForeignKey(Plan, verbose_name=_("kế hoạch"), on_delete=models.CASCADE, related_name="amendments")
    number = models.CharField(_("số, ký hiệu"), max_length=AMENDMENT_NUMBER_MAX_LENGTH, help_text=_("Ví dụ: 25/QĐ-UBND"))
    issued_on = models.DateField(_("ngày ban hành"))
    summary = models.TextField(_("nội dung sửa đổi"), max_length=AMENDMENT_SUMMARY_MAX_LENGTH)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ghi"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("thời điểm ghi"), auto_now_add=True)

    class Meta:
        verbose_name = _("văn bản sửa đổi kế hoạch")
        verbose_name_plural = pgettext_lazy("plural", "văn bản sửa đổi kế hoạch")
        ordering = ["plan_id", "issued_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"],
                name="amendment_unique_number",
                violation_error_message=_("Kế hoạch đã có văn bản sửa đổi mang số này."),
            ),
        ]

    def __str__(self):
        return f"{self.number} ({self.issued_on:%d/%m/%Y})"

    def clean(self):
        errors = plan_date_errors(self.plan if self.plan_id else None, issued_on=self.issued_on)
        if errors:
            raise ValidationError(errors)

    @classmethod
    def in_force(cls, amendments, day):
        """The amendments (a list, in date order) issued on or before `day`: the plan as it stood."""
        return [a for a in amendments if a.issued_on <= day]
