from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Thông báo")

    def ready(self):
        # Reporting sends its events and never imports this app (apps import one way).
        from . import listeners

        listeners.connect()
