"""The project's own tools, not the app: the benchmark (`manage.py benchmark`), the national
dataset (`manage.py generate_national`), the load test (`manage.py load_test`), the servers
it and the deployment tests start, and the test-only login helper that passes the second
step without a code (two_factor.py).

Installed only when the settings ask (DEVTOOLS: on with DEBUG, or DEVTOOLS=1 on a benchmark
server; tests/settings.py turns it on). With production settings this package refuses to be
imported at all, so no runtime module can reach the two-factor bypass by accident
(tests/test_devtools.py)."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

if not getattr(settings, "DEVTOOLS", False):
    raise ImproperlyConfigured(
        "devtools is development tooling: it is importable only with DEVTOOLS on (DEBUG=1, or DEVTOOLS=1 on a benchmark server)."
    )
