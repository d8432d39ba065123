"""The project's tools (devtools: benchmark, load test, national data, servers, the two-factor
bypass) are installed for development and the tests only. With production settings the app is
not installed, the WSGI entry point loads the whole app without importing it, and importing
it is refused, so no runtime module can reach the two-factor bypass."""

import json
import os
import subprocess
import sys

from django.apps import apps
from django.conf import settings

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "production-like-test-key-0123456789abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "papi.example.gov.vn",
    "DJANGO_SETTINGS_MODULE": "papi_tracker.settings",
}
# Loads the app as gunicorn does, then tries the bypass.
SCRIPT = """
import json, sys
import papi_tracker.wsgi
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import get_commands
after_wsgi = sorted(name for name in sys.modules if name.split(".")[0] == "devtools")
try:
    from devtools.two_factor import pass_without_code
    refused = None
except ImproperlyConfigured as error:
    refused = str(error)
commands = get_commands()
print(json.dumps({
    "installed": apps.is_installed("devtools"),
    "in_settings": "devtools" in settings.INSTALLED_APPS,
    "imported_by_wsgi": after_wsgi,
    "refused": refused,
    "commands": [name for name in ("benchmark", "load_test", "generate_national") if name in commands],
}))
"""


def _run(**env):
    clean = {k: v for k, v in os.environ.items() if k not in {"DEVTOOLS", "DATABASE_URL", *PRODUCTION}}
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT], env={**clean, **PRODUCTION, **env}, capture_output=True, text=True, cwd=settings.BASE_DIR
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.splitlines()[-1])


def test_production_settings_neither_install_nor_import_devtools():
    found = _run()
    assert found["installed"] is False
    assert found["in_settings"] is False
    assert found["imported_by_wsgi"] == []
    assert found["refused"] and "devtools" in found["refused"]
    assert found["commands"] == []


def test_a_benchmark_server_asks_for_them_with_devtools_1():
    found = _run(DEVTOOLS="1")
    assert found["installed"] is True
    assert found["refused"] is None
    assert found["commands"] == ["benchmark", "load_test", "generate_national"]


def test_the_tests_have_them():
    assert apps.is_installed("devtools")
