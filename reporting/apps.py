from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Báo cáo")

    def ready(self):
        # plans' targets page asks last year's completion through this hook: plans imports nothing of reporting.
        from plans import hooks

        from . import completion, signals

        signals.connect()
        hooks.register(previous_completion=completion.previous_completion)
