"""Notifications (thông báo): one row per reader and event, its text written when it is made from
what that reader may see (notifications/recipients.py decides who), and each user's choice of
e-mail."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from plans.models import Agency
from reporting.models import Report, ReportingPeriod

TEXT_MAX_LENGTH = 500


class Notification(models.Model):
    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("Báo cáo được gửi")
        RETURNED = "returned", _("Báo cáo bị trả lại")
        ACCEPTED = "accepted", _("Báo cáo được tiếp nhận")
        ACCEPTANCE_UNDONE = "acceptance_undone", _("Báo cáo bị hủy tiếp nhận")
        REOPENED = "reopened", _("Kỳ báo cáo được mở lại")
        DUE_SOON = "due_soon", _("Sắp đến hạn gửi báo cáo")
        OVERDUE = "overdue", _("Báo cáo quá hạn")
        COMMENT = "comment", _("Ý kiến mới")

    # The deadline kinds: made by the nightly reminders (whose e-mail they already are).
    DEADLINES = (Kind.DUE_SOON, Kind.OVERDUE)

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người nhận"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("loại"), max_length=20, choices=Kind)
    report = models.ForeignKey(
        Report, verbose_name=_("báo cáo"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    period = models.ForeignKey(
        ReportingPeriod, verbose_name=_("kỳ báo cáo"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("cơ quan"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    text = models.CharField(_("nội dung"), max_length=TEXT_MAX_LENGTH)
    link = models.CharField(_("đường dẫn"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    read_at = models.DateTimeField(_("đọc lúc"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("gửi thư lúc"), null=True, blank=True)
    # Claimed by a run that is e-mailing it until then (notifications.emails.claim): a run that died
    # before sending leaves it to a later run once this has passed, instead of losing it.
    email_claimed_until = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = pgettext_lazy("plural", "thông báo")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The header's unread count on every page.
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"),
            # The list page, newest first; the deadlines' "once a day" check.
            models.Index(fields=["recipient", "-created_at"], name="notification_list"),
        ]

    def __str__(self):
        return f"{self.recipient} · {self.get_kind_display()} · {self.created_at:%d/%m/%Y}"


class NotificationSettings(models.Model):
    """A user's choice of e-mail (on when the user has no row) and when they were last e-mailed."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người dùng"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="notification_settings",
    )
    email = models.BooleanField(_("nhận thông báo qua thư điện tử"), default=True)
    last_emailed_at = models.DateTimeField(_("gửi thư lần cuối lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("cài đặt thông báo")
        verbose_name_plural = pgettext_lazy("plural", "cài đặt thông báo")

    def __str__(self):
        return f"{self.user} · {'e-mail' if self.email else '—'}"
