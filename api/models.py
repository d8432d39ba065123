"""The read-only API's tokens: one province's (or, made by an administrator, every province's)."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from indicators.models import Province

KEY_PREFIX = "papi_"


def hash_key(key):
    """Only this is stored: a leaked database gives no usable key."""
    return hashlib.sha256(key.encode()).hexdigest()


def new_key():
    return KEY_PREFIX + secrets.token_urlsafe(32)


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A key a province's system sends as `Authorization: Bearer <key>` (api.authentication).
    The key is shown once when made (api.services.create_token); the row keeps its hash and
    first characters, to tell tokens apart in the list."""

    name = models.CharField(_("tên"), max_length=100, help_text=_("Hệ thống dùng khóa, ví dụ “Bảng điều khiển của UBND tỉnh”."))
    province = models.ForeignKey(
        Province,
        verbose_name=_("tỉnh, thành phố"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Để trống: mọi tỉnh (chỉ quản trị viên tạo được)."),
    )
    key_hash = models.CharField(_("mã băm của khóa"), max_length=64, unique=True, editable=False)
    key_start = models.CharField(_("đầu khóa"), max_length=12, editable=False)
    # The token lives only while its maker may make it: deleting the account deletes its
    # tokens, and a locked account's stop working (api.authentication).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người tạo"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    # Written at most once a minute (api.services.record_use), not on every request.
    last_used_at = models.DateTimeField(_("dùng lần cuối lúc"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thu hồi"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("khóa API")
        verbose_name_plural = pgettext_lazy("plural", "khóa API")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | Q(revoked_at__gte=models.F("created_at")),
                name="api_token_revoked_after_created",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.key_start}…)"

    @property
    def is_active(self):
        return self.revoked_at is None
