import datetime
import os
import subprocess
import sys
from decimal import Decimal

import pytest
from django import forms
from django.conf import settings
from django.utils import translation

CHECK_SETTINGS = "import papi_tracker.wsgi; print('started')"


def _start_with(env_overrides):
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "DEBUG"}}
    env.update(env_overrides, DJANGO_SETTINGS_MODULE="papi_tracker.settings")
    return subprocess.run([sys.executable, "-c", CHECK_SETTINGS], env=env, capture_output=True, text=True, cwd=settings.BASE_DIR)


def test_production_mode_without_secret_key_refuses_to_start():
    result = _start_with({"DEBUG": "0", "ALLOWED_HOSTS": "papi.example.gov.vn"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_production_mode_without_allowed_hosts_refuses_to_start():
    result = _start_with({"DEBUG": "0", "SECRET_KEY": "x" * 50})
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set" in result.stderr


def test_tools_run_without_secrets_but_check_deploy_names_them():
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "DJANGO_SETTINGS_MODULE"}}
    run = [sys.executable, "manage.py", "check"]
    assert subprocess.run(run, env=env, capture_output=True, text=True, cwd=settings.BASE_DIR).returncode == 0
    deploy = subprocess.run([*run, "--deploy"], env=env, capture_output=True, text=True, cwd=settings.BASE_DIR)
    assert deploy.returncode != 0 and "SECRET_KEY and ALLOWED_HOSTS must be set when DEBUG is off" in deploy.stderr


def test_production_mode_with_both_starts():
    result = _start_with({"DEBUG": "0", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "papi.example.gov.vn"})
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def test_development_mode_starts_without_secrets():
    assert _start_with({"DEBUG": "1"}).returncode == 0


def test_it_runs_in_vietnam_time_and_vietnamese():
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert settings.LANGUAGE_CODE == "vi"
    assert "en" in dict(settings.LANGUAGES)


class ScoreForm(forms.Form):
    day = forms.DateField()
    score = forms.DecimalField(localize=True, decimal_places=2)


def test_vietnamese_input_reads_day_first_and_comma_decimals():
    with translation.override("vi"):
        form = ScoreForm(data={"day": "05/03/2026", "score": "5,40"})
        assert form.is_valid(), form.errors
    assert form.cleaned_data == {"day": datetime.date(2026, 3, 5), "score": Decimal("5.40")}


def test_vietnamese_output_writes_day_first_and_comma_decimals():
    from django.utils import formats

    with translation.override("vi"):
        assert formats.date_format(datetime.date(2026, 3, 5), "SHORT_DATE_FORMAT") == "05/03/2026"
        assert formats.localize(Decimal("44.43")) == "44,43"


def test_pages_are_vietnamese_even_for_an_english_browser(client):
    response = client.get("/dang-nhap/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="vi">' in response.text and "Tên đăng nhập" in response.text
    assert response["Content-Language"] == "vi"


def test_the_switcher_choice_is_kept(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/dang-nhap/"}, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 302
    page = client.get("/dang-nhap/", HTTP_ACCEPT_LANGUAGE="vi").text
    assert '<html lang="en">' in page and "Username" in page


def test_a_request_in_english_leaves_no_english_behind(client, coordinator):
    from django.utils import translation

    client.force_login(coordinator)
    client.cookies["django_language"] = "en"
    assert client.get("/").headers["Content-Language"] == "en"
    assert translation.get_language() == "vi"  # the next work in this thread is Vietnamese again


def test_the_wsgi_server_runs_with_the_tuned_garbage_collector():
    """The benchmark measures pages with papi_tracker.gc_tuning applied: so must the server."""
    from django.conf import settings

    from papi_tracker.gc_tuning import THRESHOLDS

    script = "import gc, papi_tracker.wsgi; print(gc.get_threshold(), gc.get_freeze_count() > 0)"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == f"{THRESHOLDS} True"


def _embedded_database(tmp_path, **env):
    """DATABASES["default"] as the settings make it without DATABASE_URL, in a fresh process."""
    import json

    script = "import json; from django.conf import settings; print(json.dumps(settings.DATABASES['default']))"
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SQLITE_TIMEOUT", "DJANGO_SETTINGS_MODULE"}}
    run = [sys.executable, "-c", f"import django; django.setup(); {script}"]
    environment = {**clean, "DEBUG": "1", "PAPI_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "papi_tracker.settings", **env}
    out = subprocess.run(run, env=environment, capture_output=True, text=True, check=True, cwd=settings.BASE_DIR)
    return json.loads(out.stdout)


def test_the_embedded_sqlite_waits_for_writes_and_lets_reads_through(tmp_path):
    database = _embedded_database(tmp_path)
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["NAME"] == str(tmp_path / "db.sqlite3")
    options = database["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"  # the write lock is waited for when a transaction begins
    assert options["timeout"] == 20  # seconds a write waits for another's (Python's default: 5)
    assert "PRAGMA journal_mode=WAL" in options["init_command"]
    assert _embedded_database(tmp_path, SQLITE_TIMEOUT="45")["OPTIONS"]["timeout"] == 45


def test_on_the_embedded_sqlite_a_write_waits_for_a_short_lock_instead_of_failing(tmp_path, django_db_blocker):
    """Two connections to one SQLite file: while one holds the write lock for a second, the
    other's transaction (begun IMMEDIATE, as Django's atomic() does with these options) waits,
    then writes. With a short timeout, as before, the same write fails "database is locked"."""
    import sqlite3
    import threading
    import time

    from django.db import OperationalError
    from django.db.utils import ConnectionHandler

    path = tmp_path / "papi.sqlite3"
    options = _embedded_database(tmp_path)["OPTIONS"]
    handler = ConnectionHandler(
        {
            "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path), "OPTIONS": options},
            "impatient": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path), "OPTIONS": {**options, "timeout": 0.1}},
        }
    )
    app, impatient = handler["default"], handler["impatient"]

    def write(connection, value):
        # What transaction.atomic() does: BEGIN IMMEDIATE, the statement, COMMIT.
        connection.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
        try:
            with connection.cursor() as cursor:
                cursor.execute("INSERT INTO t VALUES (%s)", [value])
            connection.commit()
        finally:
            connection.set_autocommit(True)

    with django_db_blocker.unblock():
        try:
            with app.cursor() as cursor:
                cursor.execute("CREATE TABLE t (x integer)")
                assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
                assert cursor.execute("PRAGMA busy_timeout").fetchone()[0] == 20000

            other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)  # e.g. the worker
            other.execute("BEGIN IMMEDIATE")
            other.execute("INSERT INTO t VALUES (1)")
            with pytest.raises(OperationalError, match="database is locked"):
                write(impatient, 2)
            with app.cursor() as cursor:  # reading goes on meanwhile (WAL)
                assert cursor.execute("SELECT count(*) FROM t").fetchone()[0] == 0
            threading.Timer(1.0, other.execute, ["COMMIT"]).start()
            started = time.monotonic()
            write(app, 3)  # waits for the lock, then writes
            assert time.monotonic() - started >= 0.8
            with app.cursor() as cursor:
                assert sorted(row[0] for row in cursor.execute("SELECT x FROM t").fetchall()) == [1, 3]
            other.close()
        finally:
            handler.close_all()
