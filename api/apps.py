from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("API")

    def ready(self):
        # drf-spectacular learns how the token is sent (the schema's security scheme).
        from . import schema  # noqa: F401
