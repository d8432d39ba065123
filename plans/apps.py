from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = _("Kế hoạch")

    def ready(self):
        # indicators' pages ask plans through this hook: indicators imports nothing of plans.
        from indicators import hooks

        from . import access, targets

        hooks.register(may_import_scores=access.may_import_scores, visible_targets=targets.visible_targets)
