import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "papi_tracker.settings")
application = get_wsgi_application()

from papi_tracker import gc_tuning  # noqa: E402  (after the app is loaded, so that freeze() keeps it)

gc_tuning.apply()
