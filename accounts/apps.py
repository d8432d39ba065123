from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Signing in: the second step (TOTP) and its enrolment. Depends on plans (who must use it)."""

    name = "accounts"
    verbose_name = _("Tài khoản")
