"""PAPI Tracker settings: one module, driven by the environment.

Development defaults are safe only with DEBUG on (see README). With DEBUG off the
server refuses to start unless SECRET_KEY and ALLOWED_HOSTS are given (papi_tracker/production.py).
"""

import datetime
import ipaddress
import os
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from papi_tracker import limits

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PAPI_VAR_DIR", BASE_DIR / "var"))


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if DEBUG:
    SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-never-use-in-production"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]"]
# With DEBUG off both are required; the WSGI entry point and `check --deploy` refuse to go on
# without them (papi_tracker/production.py). Not here: `manage.py check`, `makemigrations` and
# the like run without secrets, and Django refuses an empty SECRET_KEY wherever one is used.
REQUIRED = {"SECRET_KEY": SECRET_KEY, "ALLOWED_HOSTS": ALLOWED_HOSTS}
MISSING_SETTINGS = [] if DEBUG else [name for name, value in REQUIRED.items() if not value]
del REQUIRED
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_filters",
    "import_export",
    "simple_history",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "papi_tracker",
    "accounts",
    "indicators",
    "plans",
    "reporting",
    "notifications",
    # The read-only API for provinces' systems (api/): token access, OpenAPI schema and its page.
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
    # Published plans' pages for citizens, without login (public/; DEVELOPING.md, "The public page").
    "public",
]
# The project's own tools (benchmark, national data, load test, test-only login helpers) are
# installed only for development: with DEBUG, or DEVTOOLS=1 on a benchmark server. Production
# never has them, and the package refuses to be imported there (devtools/__init__.py).
DEVTOOLS = env_bool("DEVTOOLS", DEBUG)
if DEVTOOLS:
    INSTALLED_APPS.append("devtools")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Answers static files itself, with their long public cache, before the middleware below.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Everything else is private: Cache-Control: private, no-store.
    "papi_tracker.middleware.PrivateCacheMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # "Database is locked" (SQLite, under a long write) answers 503 "try again", not 500.
    "papi_tracker.middleware.DatabaseBusyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "papi_tracker.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Saves in a request record who made them in the history (django-simple-history).
    "simple_history.middleware.HistoryRequestMiddleware",
    # A form sent after the session ended keeps its typing for after the login (after the CSRF check).
    "papi_tracker.middleware.KeepPostedFormMiddleware",
    # request.user.is_verified(): whether this session passed the second step (django-otp).
    "django_otp.middleware.OTPMiddleware",
    # Every page needs a login unless its view is marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "papi_tracker.middleware.SessionLifetimeMiddleware",
    # After the session checks: a session that must pass the second step goes nowhere else.
    "accounts.middleware.TwoFactorMiddleware",
    # The admin answers 404, as the rest of the app does, for what a logged-in user may not use.
    "papi_tracker.middleware.AdminNotFoundMiddleware",
    # Last, as django-axes asks: it answers a locked-out login with the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "papi_tracker.urls"
WSGI_APPLICATION = "papi_tracker.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "notifications.context_processors.unread",
            ],
        },
    },
]

# Database: DATABASE_URL, e.g. postgres://papi:secret@db.example/papi; default is an
# embedded SQLite file for a single office or a demo.
if not os.environ.get("DATABASE_URL"):
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # git keeps no empty folder; SQLite needs this one
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite lets one connection write at a time. WAL lets readers go on during a write;
    # IMMEDIATE takes the write lock when a transaction begins, where the busy timeout applies
    # (a transaction that reads and then writes would fail at once instead of waiting); the
    # timeout is how long a write waits for another's before "database is locked" (Python's
    # default, 5 s, was shorter than a long export's write). A request that still meets the lock
    # gets the "busy, try again" page (papi_tracker.middleware.DatabaseBusyMiddleware); the
    # worker waits and goes on (`manage.py worker`).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": float(os.environ.get("SQLITE_TIMEOUT", "20")),
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # psycopg 3 with Django's connection pool: each process (gunicorn worker, `manage.py worker`)
    # keeps DB_POOL_MIN_SIZE connections open and opens up to DB_POOL_MAX_SIZE when its threads
    # need them at once (a sync gunicorn worker uses one); a request waits DB_POOL_TIMEOUT seconds
    # for a free one, then fails. A connection is checked before it is handed out (as
    # conn_health_checks did). Django refuses persistent connections beside a pool: CONN_MAX_AGE 0.
    from psycopg_pool import ConnectionPool

    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        **DATABASES["default"].get("OPTIONS", {}),
        "pool": {
            "min_size": int(os.environ.get("DB_POOL_MIN_SIZE", "1")),
            "max_size": int(os.environ.get("DB_POOL_MAX_SIZE", "4")),
            "timeout": float(os.environ.get("DB_POOL_TIMEOUT", "10")),
            "check": ConnectionPool.check_connection,
        },
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def cache_from_url(url):
    """CACHE_URL: "locmem://" (this process only: the embedded default, one server) or
    "redis://host:6379/0" (Django's Redis backend, shared by every app server and the worker)."""
    if url.startswith(("redis://", "rediss://", "unix://")):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url, "KEY_PREFIX": "papi"}
    if url.startswith("locmem://"):
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": url.removeprefix("locmem://")}
    raise ValueError(f"CACHE_URL: {url!r} is neither locmem:// nor redis://")


# Plans' progress figures are kept here between requests (reporting/figures.py): with several
# app servers, point them all at one Redis so a change made through one is seen by all at once.
# Rate limits ("Quên mật khẩu") count apart, so that figures filling the cache never evict them.
CACHES = {
    "default": cache_from_url(os.environ.get("CACHE_URL", "locmem://")),
    "limits": {**cache_from_url(os.environ.get("CACHE_URL", "locmem://limits")), "KEY_PREFIX": "papi-limits"},
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# An invitation's or a forgotten password's link (accounts/services.py) works once and expires
# after this: setting the password changes its hash, which the token is made from.
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600  # 3 days
# "Quên mật khẩu": at most this many reset e-mails an hour per address asked for and per
# client address (accounts/views.py, counted in CACHES["default"]).
PASSWORD_RESET_LIMIT_PER_HOUR = 3

# Repeated failed logins lock the account for the address they came from, for a cool-off
# (django-axes): someone guessing one user's password does not lock that user out everywhere.
# A browser the user has logged in with before is counted apart, by its device cookie, so that
# colleagues behind the same office address cannot lock the user out of it (accounts/lockout.py).
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = "accounts.lockout.lockout_parameters"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "papi_tracker.middleware.client_ip"
AXES_VERBOSE = False  # its start-up banner on stdout would mix with command output
# How long a login device cookie counts (accounts/lockout.py); each successful login renews it.
LOGIN_DEVICE_COOKIE_AGE = int(os.environ.get("LOGIN_DEVICE_DAYS", "90")) * 24 * 3600


def _network(value):
    try:
        return str(ipaddress.ip_network(value, strict=False))
    except ValueError:
        raise ValueError(f"TRUSTED_PROXIES: {value!r} is not an IP address or network") from None


# The addresses of the reverse proxies (IPs or networks, comma-separated). X-Forwarded-For is
# read only on a request that comes from one of them, and then only up to the first hop that is
# not one of them (papi_tracker.middleware.client_ip): anyone else may write what they like in it.
# Default: loopback when BEHIND_TLS_PROXY is on (a proxy on the same machine), none otherwise.
TRUSTED_PROXIES = [
    _network(item) for item in env_list("TRUSTED_PROXIES", "127.0.0.0/8,::1" if env_bool("BEHIND_TLS_PROXY") else "")
]

# Two-factor login (TOTP, django-otp): any user may turn it on; administrators and
# coordinators must (OWASP ASVS level 2). Off only for a trial server, never in production.
TWO_FACTOR_REQUIRED = env_bool("TWO_FACTOR_REQUIRED", True)
OTP_TOTP_ISSUER = "PAPI Tracker"  # the name the authenticator app shows beside the code
# Wrong codes make the next try wait 1, 2, 4, 8… seconds (django-otp's throttling).
OTP_TOTP_THROTTLE_FACTOR = 1
# The admin lets administrators remove a device (recovery), never read its secret.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Sessions end after 30 minutes without a request and, in any case, 10 hours after login
# (papi_tracker.middleware.SessionLifetimeMiddleware; the cookie's own age is the backstop).
SESSION_IDLE_SECONDS = int(os.environ.get("SESSION_IDLE_MINUTES", "30")) * 60
SESSION_ABSOLUTE_SECONDS = int(os.environ.get("SESSION_ABSOLUTE_HOURS", "10")) * 3600
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS

# Background exports are working copies, made again in a minute: `manage.py delete_old_exports`
# (daily from cron) removes them, file and row, this many days after they were asked for.
EXPORT_KEEP_DAYS = int(os.environ.get("EXPORT_KEEP_DAYS", "7"))

# Language and formats: Vietnamese first. The custom format module makes "05/03/2026"
# read as 5 March and "5,40" as a decimal, in forms as well as on pages.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["papi_tracker.formats"]
USE_I18N = True
USE_THOUSAND_SEPARATOR = False  # years would print as "2.020"
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Uploaded evidence is private: it lives outside STATIC_ROOT and is never given a
# public URL; views serve it after a permission check.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "private"))

# Request limits, sized from the data (papi_tracker/limits.py): the largest report form, an
# agency answering every task of the largest plan with every text at its longest, must fit.
# Django's defaults (1,000 fields, 2.5 MB) refused a 200-task report with a 400, and nothing
# of it was saved. Text is counted at 4 bytes a character, UTF-8's most; the slack covers the
# field names and short fields (status, numbers). Chosen files are limited apart (Django's
# DATA_UPLOAD_MAX_NUMBER_FILES, 100 a save, and 10 MB each in reporting.evidence).
_TASK_TEXT = limits.TASK_NARRATIVE_MAX_LENGTH + limits.TASK_EVIDENCE_MAX_LENGTH + limits.TASK_DIFFICULTIES_MAX_LENGTH
DATA_UPLOAD_MAX_NUMBER_FIELDS = (
    limits.REPORT_FORM_FIELDS_PER_TASK * limits.MAX_TASKS_PER_PLAN + limits.REPORT_FORM_OWN_FIELDS + 100
)
DATA_UPLOAD_MAX_MEMORY_SIZE = (
    4 * (_TASK_TEXT * limits.MAX_TASKS_PER_PLAN + 2 * limits.REPORT_TEXT_MAX_LENGTH) + 256 * limits.MAX_TASKS_PER_PLAN + 64 * 1024
)
del _TASK_TEXT

# E-mail (reminders), through Django 6.1's MAILERS. Console output in development
# unless EMAIL_HOST is set.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": EMAIL_HOST,
                "port": int(os.environ.get("EMAIL_PORT", "587")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
                "timeout": 20,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
del EMAIL_HOST
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "PAPI Tracker <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security. Production values by default; DEBUG relaxes what needs HTTPS.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Cookies only over HTTPS unless DEBUG. SECURE_COOKIES=0 is for a server reached over plain
# HTTP on loopback alone (the load test and the two-server tests); never behind the proxy.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Preloading HSTS is for the owner of the whole registrable domain to decide (a
# province's host under gov.vn cannot enrol alone); set SECURE_HSTS_PRELOAD=1 where it applies.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY")
if BEHIND_TLS_PROXY:
    # The reverse proxy terminates TLS and says so in this header.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # WeasyPrint logs every layout step at INFO: a line per page of every PDF.
    "loggers": {name: {"level": "WARNING"} for name in ("weasyprint", "fontTools")},
}

# django-import-export: roll back the whole file when any row fails, and let only users
# with the model's change permission import (the default would let any admin user).
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"

# The read-only API (api/, DEVELOPING.md "The API"): a province's token (Authorization: Bearer),
# never the session; pages of API_PAGE_SIZE rows (up to API_MAX_PAGE_SIZE on request); each token
# at most API_RATE requests (DRF's "120/min" form), counted in CACHES["limits"].
API_PAGE_SIZE = 100
API_MAX_PAGE_SIZE = 500
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.authentication.HasToken"],
    "DEFAULT_THROTTLE_CLASSES": ["api.authentication.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api_token": os.environ.get("API_RATE", "120/min")},
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pages",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "COERCE_DECIMAL_TO_STRING": False,  # scores and values as JSON numbers
}
SPECTACULAR_SETTINGS = {
    "TITLE": "PAPI Tracker API",
    "DESCRIPTION": _(
        "API chỉ đọc cho hệ thống báo cáo, bảng điều khiển của tỉnh: tỉnh, khung chỉ số, điểm PAPI, kế hoạch, "
        "chỉ tiêu, nhiệm vụ, kỳ báo cáo, trạng thái báo cáo và kết quả thực hiện đã gửi. "
        "Gửi khóa API trong tiêu đề Authorization: Bearer <khóa>."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from our own static files (drf-spectacular-sidecar): no CDN on closed networks.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "PerformanceGroupEnum": "indicators.models.PerformanceGroup",
        "ComparatorEnum": "plans.models.Target.Comparator",
    },
}

# The address users reach the app at, for links in e-mails.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

# Long exports run as tasks stored in the database: any app server queues them and any
# worker (`manage.py worker`, started by `make run`) runs them.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
