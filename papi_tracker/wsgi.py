import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "papi_tracker.settings")

from papi_tracker import gc_tuning, production  # noqa: E402  (needs the settings module named above)

production.require_complete_settings()
application = get_wsgi_application()
gc_tuning.apply()  # after the app is loaded, so that freeze() keeps it
