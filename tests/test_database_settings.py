"""PostgreSQL goes through psycopg 3 and Django's connection pool (CONN_MAX_AGE must then be 0);
SQLite keeps its persistent connection and its OPTIONS (tests/test_settings.py tests those)."""

import json
import os
import subprocess
import sys

from django.conf import settings

SCRIPT = """
import json
from django.conf import settings
db = settings.DATABASES["default"]
pool = db["OPTIONS"].get("pool")
print(json.dumps({"engine": db["ENGINE"], "conn_max_age": db["CONN_MAX_AGE"], "options": sorted(db["OPTIONS"]),
                  "pool": {k: v for k, v in pool.items() if k != "check"} if pool else None,
                  "checked": bool(pool and pool.get("check"))}))
"""


def _database(**env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "DB_POOL", "CONN_MAX_AGE"))}
    environment = {**clean, "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "papi_tracker.settings", **env}
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=environment, capture_output=True, text=True, check=True, cwd=settings.BASE_DIR
    )
    return json.loads(out.stdout)


def test_postgresql_uses_psycopg_3_with_a_checked_pool_and_no_persistent_connections():
    found = _database(DATABASE_URL="postgres://papi:secret@db.example:5432/papi")
    assert found["engine"] == "django.db.backends.postgresql"
    assert found["conn_max_age"] == 0
    assert found["pool"] == {"min_size": 1, "max_size": 4, "timeout": 10.0}
    assert found["checked"]
    import psycopg  # the driver Django picks when it is installed

    assert psycopg.__version__.startswith("3.")


def test_the_pool_is_sized_from_the_environment():
    found = _database(DATABASE_URL="postgres://papi@db/papi", DB_POOL_MIN_SIZE="2", DB_POOL_MAX_SIZE="8", DB_POOL_TIMEOUT="3")
    assert found["pool"] == {"min_size": 2, "max_size": 8, "timeout": 3.0}


def test_sqlite_keeps_its_options_and_persistent_connections(tmp_path):
    found = _database(PAPI_VAR_DIR=str(tmp_path))
    assert found["engine"] == "django.db.backends.sqlite3"
    assert found["conn_max_age"] == 60
    assert found["options"] == ["init_command", "timeout", "transaction_mode"]
    assert found["pool"] is None
