"""`manage.py worker`: the background worker outlives a busy database (papi_tracker/management/commands/worker.py)."""

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.tasks import task

pytestmark = pytest.mark.django_db

DONE = []


@pytest.fixture(autouse=True)
def queued_in_the_database(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@task
def note(value):
    DONE.append(value)


@pytest.fixture
def locked_once(monkeypatch):
    """The worker's connection check between tasks meets "database is locked" once, after the
    first task: the spot where a long write elsewhere stopped db_worker's loop."""
    from django_tasks_db.management.commands import db_worker

    calls = []

    def check():
        calls.append(None)
        if len(calls) == 2:  # the first is before any task, the second after the first task
            raise OperationalError("database is locked")

    # The worker shares the test's own connection (inside its transaction): nothing is closed.
    monkeypatch.setattr(db_worker, "close_old_connections", check)
    monkeypatch.setattr("papi_tracker.management.commands.worker.reset_connections", list)
    DONE.clear()
    yield
    DONE.clear()


def test_the_worker_goes_on_after_a_locked_database_and_runs_the_next_task(locked_once, caplog):
    first, second = note.enqueue("first"), note.enqueue("second")
    call_command("worker", "--batch", "--no-startup-delay", "--retry-seconds", "0", verbosity=0)
    assert DONE == ["first", "second"]
    first.refresh()
    second.refresh()
    assert first.status == second.status == "SUCCESSFUL"
    assert "Database unavailable (database is locked); the worker goes on in 0.0 s." in caplog.text


def test_db_worker_itself_stopped_there(locked_once):
    """What the finding saw: the same error ended django-tasks-db's own worker loop."""
    note.enqueue("first")
    note.enqueue("second")
    with pytest.raises(OperationalError):
        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert DONE == ["first"]


def test_other_errors_still_stop_the_worker(monkeypatch):
    """A missing table or the like is no reason to wait: the service manager restarts the worker
    and its log shows why."""
    from django.db import ProgrammingError
    from django_tasks_db.management.commands import db_worker

    def broken():
        raise ProgrammingError("no such table: django_tasks_db_dbtaskresult")

    monkeypatch.setattr(db_worker, "close_old_connections", broken)
    with pytest.raises(ProgrammingError):
        call_command("worker", "--batch", "--no-startup-delay", "--retry-seconds", "0", verbosity=0)


def test_on_the_embedded_sqlite_the_worker_outlives_a_long_write_and_runs_the_next_task(tmp_path):
    """The finding itself, with real processes on a SQLite file: another connection holds the
    write lock longer than the busy timeout; the worker meets "database is locked", goes on, and
    runs the export queued after it."""
    import os
    import sqlite3
    import subprocess
    import sys
    import time

    from django.conf import settings

    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "SECRET_KEY"}}
    env.update(DEBUG="1", PAPI_VAR_DIR=str(tmp_path), SQLITE_TIMEOUT="0.3", DJANGO_SETTINGS_MODULE="papi_tracker.settings")
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, cwd=settings.BASE_DIR, timeout=120)
    log_path = tmp_path / "worker.log"
    with open(log_path, "w") as log:
        worker = subprocess.Popen(
            [*manage, "worker", "--no-reload", "--interval", "0.1", "--no-startup-delay", "--retry-seconds", "0.2"],
            env=env, cwd=settings.BASE_DIR, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    database = tmp_path / "db.sqlite3"
    try:
        deadline = time.monotonic() + 30
        while "Starting worker" not in log_path.read_text():
            assert worker.poll() is None and time.monotonic() < deadline, log_path.read_text()
            time.sleep(0.1)
        holder = sqlite3.connect(database, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # e.g. a long export's write
        time.sleep(1.5)
        holder.execute("COMMIT")
        holder.close()
        assert "Database unavailable (database is locked)" in log_path.read_text()
        assert worker.poll() is None, log_path.read_text()
        enqueue = "import django; django.setup(); from tests.test_worker import note; note.enqueue('after the lock')"
        subprocess.run([sys.executable, "-c", enqueue], env=env, check=True, cwd=settings.BASE_DIR, timeout=60)
        reader = sqlite3.connect(database)
        deadline = time.monotonic() + 30
        while reader.execute("SELECT status FROM django_tasks_database_dbtaskresult").fetchall() != [("SUCCESSFUL",)]:
            assert time.monotonic() < deadline, log_path.read_text()
            time.sleep(0.1)
        reader.close()
    finally:
        worker.terminate()
        worker.wait(timeout=20)
