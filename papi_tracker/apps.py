from django.apps import AppConfig


class PapiTrackerConfig(AppConfig):
    """The site itself: its signal receivers, connected once at start-up."""

    name = "papi_tracker"
    verbose_name = "PAPI Tracker"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in
        from django.db.models import fields
        from django.utils.translation import gettext_lazy as _

        # Django 6.1's empty choice of every select, "- Select an option -", has no Vietnamese
        # translation yet: the pages would show it in English. Django invites apps to set it.
        fields.BLANK_CHOICE_LABEL = _("— Chọn —")

        from . import production  # noqa: F401  (registers its system check)
        from .middleware import remember_login_time

        user_logged_in.connect(remember_login_time, dispatch_uid="papi_remember_login_time")

        from django.db.backends.signals import connection_created

        from .collation import register_sqlite_collation

        connection_created.connect(register_sqlite_collation, dispatch_uid="papi_vietnamese_collation")
