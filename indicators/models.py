"""What PAPI measures: provinces, the framework of dimensions, published scores."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from papi_tracker.collation import vietnamese

# The 63 provinces gave way to 34 units on this day (National Assembly resolution of 12/6/2025).
MERGER_DATE = datetime.date(2025, 7, 1)

DIMENSION_MIN, DIMENSION_MAX = Decimal("1"), Decimal("10")


class PerformanceGroup(models.IntegerChoices):
    """PAPI's quartile groups; a lower number is better, so "group 2 or above" is <= 2."""

    HIGHEST = 1, _("Nhóm đạt điểm cao nhất")
    HIGH_AVERAGE = 2, _("Nhóm đạt điểm trung bình cao")
    LOW_AVERAGE = 3, _("Nhóm đạt điểm trung bình thấp")
    LOWEST = 4, _("Nhóm đạt điểm thấp nhất")


def plan_year_day(year):
    """The day that says which units a plan of `year` is made for: its last, so that from 2025 on
    the units formed on 1/7/2025 are the ones, and before that the provinces of the time."""
    return datetime.date(year, 12, 31)


class ProvinceQuerySet(models.QuerySet):
    def valid_on(self, date):
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=date),
            Q(valid_until__isnull=True) | Q(valid_until__gte=date),
        )

    def for_plan_year(self, year):
        """The units a plan of `year` may be made for: the 34 from 2025, the 63 before."""
        return self.valid_on(plan_year_day(year))


class Province(models.Model):
    class Kind(models.TextChoices):
        PROVINCE = "province", _("Tỉnh")
        CITY = "city", _("Thành phố trực thuộc trung ương")

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên"), max_length=100)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=100, blank=True)
    kind = models.CharField(_("loại"), max_length=10, choices=Kind, default=Kind.PROVINCE)
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_until = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị kế thừa"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="predecessors",
    )

    objects = ProvinceQuerySet.as_manager()

    class Meta:
        verbose_name = _("tỉnh, thành phố")
        verbose_name_plural = pgettext_lazy("plural", "tỉnh, thành phố")
        ordering = [vietnamese("name"), "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True) | Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="province_validity_ordered",
            ),
            models.CheckConstraint(
                condition=Q(successor__isnull=True) | Q(valid_until__isnull=False),
                name="province_successor_needs_end",
            ),
        ]

    def __str__(self):
        if self.valid_until and self.valid_until < MERGER_DATE:
            return _("%(name)s (trước 01/07/2025)") % {"name": self.name}
        return self.name

    def valid_for_plan_year(self, year):
        day = plan_year_day(year)
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_until is None or day <= self.valid_until)

    @property
    def local_name(self):
        """As Vietnamese documents write it, whatever the page's language: "tỉnh An Giang",
        "thành phố Hà Nội" (not the kind's long label, "Thành phố trực thuộc trung ương")."""
        return f"{'thành phố' if self.kind == self.Kind.CITY else 'tỉnh'} {self.name}"

    @property
    def committee(self):
        """Its People's Committee as documents name it: "UBND tỉnh An Giang"."""
        return f"UBND {self.local_name}"


class FrameworkQuerySet(models.QuerySet):
    def for_year(self, year):
        return self.filter(Q(since_year__lte=year), Q(until_year__isnull=True) | Q(until_year__gte=year))


class FrameworkEntry(models.Model):
    """What a dimension and a sub-dimension share: names in both languages, the years the
    framework used it, and whether the reference data confirmed it."""

    name_vi = models.CharField(_("tên tiếng Việt"), max_length=200)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=200)
    since_year = models.PositiveSmallIntegerField(_("áp dụng từ năm"))
    until_year = models.PositiveSmallIntegerField(_("áp dụng đến năm"), null=True, blank=True)
    verified = models.BooleanField(_("đã kiểm chứng"), default=False)
    unverified_fields = models.CharField(_("trường chưa kiểm chứng"), max_length=200, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    sources = models.TextField(_("nguồn"), blank=True)

    objects = FrameworkQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def name(self):
        return self.name_en if get_language() == "en" and self.name_en else self.name_vi


class Dimension(FrameworkEntry):
    """A content dimension (chỉ số nội dung): 6 in 2009–2017, 8 from 2018."""

    code = models.CharField(_("mã"), max_length=8, unique=True)
    number = models.PositiveSmallIntegerField(_("số thứ tự"), unique=True)

    class Meta:
        verbose_name = _("chỉ số nội dung")
        verbose_name_plural = pgettext_lazy("plural", "chỉ số nội dung")
        ordering = ["number"]

    def __str__(self):
        return f"{self.number}. {self.name}"


class SubDimension(FrameworkEntry):
    """A sub-dimension (chỉ số nội dung thành phần); a dimension is the sum of its own."""

    dimension = models.ForeignKey(
        Dimension, verbose_name=_("chỉ số nội dung"), on_delete=models.PROTECT, related_name="sub_dimensions"
    )
    code = models.CharField(_("mã"), max_length=8, unique=True)

    class Meta:
        verbose_name = _("chỉ số nội dung thành phần")
        verbose_name_plural = pgettext_lazy("plural", "chỉ số nội dung thành phần")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code.removeprefix('D')} {self.name}"

    def max_score(self, year):
        """Upper end of the scale: the dimension's 10 points shared among its sub-dimensions that year."""
        count = SubDimension.objects.for_year(year).filter(dimension_id=self.dimension_id).count()
        return DIMENSION_MAX / max(count, 1)


class Score(models.Model):
    """A published score: the total (no dimension), a dimension, or a sub-dimension."""

    province = models.ForeignKey(Province, verbose_name=_("tỉnh, thành phố"), on_delete=models.PROTECT, related_name="scores")
    year = models.PositiveSmallIntegerField(_("năm"))
    dimension = models.ForeignKey(
        Dimension, verbose_name=_("chỉ số nội dung"), on_delete=models.PROTECT, null=True, blank=True, related_name="scores"
    )
    sub_dimension = models.ForeignKey(
        SubDimension,
        verbose_name=_("chỉ số thành phần"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="scores",
    )
    value = models.DecimalField(_("điểm"), max_digits=7, decimal_places=4)
    rank = models.PositiveSmallIntegerField(_("xếp hạng"), null=True, blank=True)
    group = models.PositiveSmallIntegerField(_("nhóm"), choices=PerformanceGroup, null=True, blank=True)

    class Meta:
        verbose_name = _("điểm PAPI")
        verbose_name_plural = pgettext_lazy("plural", "điểm PAPI")
        ordering = ["year", vietnamese("province__name"), "dimension__number", "sub_dimension__code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sub_dimension__isnull=True) | Q(dimension__isnull=False),
                name="score_sub_dimension_has_dimension",
            ),
            # Scales: total up to 80 (8 dimensions of 10); a dimension 1–10; a sub-dimension
            # above 0 and at most 5 (10 shared by at least two). The exact per-year bound of a
            # sub-dimension is checked in clean().
            models.CheckConstraint(
                condition=(
                    Q(dimension__isnull=True, value__gt=0, value__lte=80)
                    | Q(dimension__isnull=False, sub_dimension__isnull=True, value__gte=DIMENSION_MIN, value__lte=DIMENSION_MAX)
                    | Q(sub_dimension__isnull=False, value__gt=0, value__lte=5)
                ),
                name="score_within_scale",
            ),
            models.CheckConstraint(condition=Q(group__gte=1, group__lte=4) | Q(group__isnull=True), name="score_group_valid"),
            models.UniqueConstraint(fields=["province", "year"], condition=Q(dimension__isnull=True), name="score_one_total"),
            models.UniqueConstraint(
                fields=["province", "year", "dimension"],
                condition=Q(dimension__isnull=False, sub_dimension__isnull=True),
                name="score_one_per_dimension",
            ),
            models.UniqueConstraint(
                fields=["province", "year", "sub_dimension"],
                condition=Q(sub_dimension__isnull=False),
                name="score_one_per_sub_dimension",
            ),
        ]
        indexes = [
            # Rankings and national medians of a year (province page, national view).
            models.Index(fields=["year", "dimension", "sub_dimension"], name="score_year_level"),
        ]

    def __str__(self):
        level = self.sub_dimension or self.dimension or _("Tổng điểm")
        return f"{self.province.name} {self.year} · {level}: {self.value}"

    @property
    def level(self):
        if self.sub_dimension_id:
            return "sub_dimension"
        return "dimension" if self.dimension_id else "total"

    def clean(self):
        if self.sub_dimension_id and self.dimension_id and self.sub_dimension.dimension_id != self.dimension_id:
            raise ValidationError({"sub_dimension": _("Chỉ số thành phần không thuộc chỉ số nội dung đã chọn.")})
        if not self.year:
            return
        level = self.sub_dimension if self.sub_dimension_id else (self.dimension if self.dimension_id else None)
        if level is not None and not type(level).objects.for_year(self.year).filter(pk=level.pk).exists():
            raise ValidationError(
                {
                    "sub_dimension" if self.sub_dimension_id else "dimension": _(
                        "%(level)s không có trong khung chỉ số năm %(year)s."
                    )
                    % {"level": level, "year": self.year}
                }  # fmt: skip
            )
        if self.value is None:
            return
        if self.sub_dimension_id:
            top = self.sub_dimension.max_score(self.year)
            if not (0 < self.value <= top):
                raise ValidationError(
                    {"value": _("Điểm chỉ số thành phần phải lớn hơn 0 và không quá %(max)s.") % {"max": round(top, 2)}}
                )
        elif self.dimension_id:
            if not (DIMENSION_MIN <= self.value <= DIMENSION_MAX):
                raise ValidationError({"value": _("Điểm chỉ số nội dung phải từ 1 đến 10.")})
        else:
            count = Dimension.objects.for_year(self.year).count()
            if not (count * DIMENSION_MIN <= self.value <= count * DIMENSION_MAX):
                raise ValidationError(
                    {
                        "value": _("Tổng điểm năm %(year)s phải từ %(min)s đến %(max)s.")
                        % {"year": self.year, "min": count, "max": count * 10}
                    }
                )
