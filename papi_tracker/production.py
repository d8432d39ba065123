"""What production mode requires before it serves a request."""

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured


def missing_settings_message():
    missing = settings.MISSING_SETTINGS
    if not missing:
        return ""
    return (
        f"{' and '.join(missing)} must be set when DEBUG is off "
        "(e.g. SECRET_KEY=<50 random characters> ALLOWED_HOSTS=papi.example.gov.vn). "
        "For local development set DEBUG=1 instead."
    )


def require_complete_settings():
    """Called by the WSGI entry point: the server does not start half-configured."""
    if message := missing_settings_message():
        raise ImproperlyConfigured(message)


@checks.register(checks.Tags.security, deploy=True)
def check_complete_settings(app_configs, **kwargs):
    message = missing_settings_message()
    return [checks.Error(message, id="papi_tracker.E001")] if message else []
