from django.apps import AppConfig


class PapiTrackerConfig(AppConfig):
    """The site itself: its signal receivers, connected once at start-up."""

    name = "papi_tracker"
    verbose_name = "PAPI Tracker"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .middleware import remember_login_time

        user_logged_in.connect(remember_login_time, dispatch_uid="papi_remember_login_time")
