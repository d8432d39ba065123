"""Test settings: the production settings module with hermetic, fast overrides.

DEBUG stays off, as in production; secrets are test-only values.
"""

import os
import tempfile

os.environ["DEBUG"] = "0"
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-0123456789abcdef")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ["SECURE_SSL_REDIRECT"] = "0"
os.environ["SECURE_HSTS_SECONDS"] = "0"

from papi_tracker.settings import *  # noqa: E402,F403

# The tests use the project's tools (benchmark, load test, the two-factor helper): installed here,
# never by the production settings (tests/test_devtools.py).
DEVTOOLS = True
if "devtools" not in INSTALLED_APPS:  # noqa: F405
    INSTALLED_APPS = [*INSTALLED_APPS, "devtools"]  # noqa: F405

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# The browser tests talk plain HTTP to the live server.
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# Evidence uploaded by tests goes to a throwaway folder, not the developer's var/.
MEDIA_ROOT = tempfile.mkdtemp(prefix="papi-test-media-")
# Background tasks run at once, inside the request that queues them.
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
