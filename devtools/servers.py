"""The app as production runs it, started on loopback for the load test and the deployment
tests: gunicorn with DEBUG off and the database worker, all on one DATABASE_URL, and Debian's
redis-server for a shared CACHE_URL. Nothing
here listens beyond 127.0.0.1, and every process started is stopped on leaving."""

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

from django.conf import settings

LOOPBACK = "127.0.0.1"
STARTUP_SECONDS = 60  # generous: a loaded 2-core machine imports WeasyPrint slowly


class ServerError(Exception):
    """A server did not start or the database cannot be shared between processes."""


def free_port():
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


def database_url(settings_dict):
    """A DATABASE_URL that other processes can use to reach the database this one uses."""
    engine, name = settings_dict["ENGINE"], str(settings_dict["NAME"])
    if engine == "django.db.backends.postgresql":
        credentials = quote(settings_dict["USER"] or "", safe="")
        if settings_dict["PASSWORD"]:
            credentials += ":" + quote(settings_dict["PASSWORD"], safe="")
        host = settings_dict["HOST"] or "localhost"
        port = f":{settings_dict['PORT']}" if settings_dict["PORT"] else ""
        return f"postgres://{credentials}@{host}{port}/{quote(name, safe='')}"
    if engine == "django.db.backends.sqlite3" and "memory" not in name and name != "":
        return f"sqlite:///{name}"
    raise ServerError(f"The database ({engine}, {name}) cannot be shared with other processes: use PostgreSQL.")


def production_env(database_url, var_dir, media_root, **extra):
    """The environment of a production server (DEBUG off, a fresh secret key, only loopback
    as host) that speaks plain HTTP, so its cookies must not be marked Secure."""
    env = {name: value for name, value in os.environ.items() if name != "DJANGO_SETTINGS_MODULE"}
    env.update(
        DJANGO_SETTINGS_MODULE="papi_tracker.settings",
        DEBUG="0",
        DEVTOOLS="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=LOOPBACK,
        DATABASE_URL=database_url,
        PAPI_VAR_DIR=str(var_dir),
        MEDIA_ROOT=str(media_root),
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="0",
        SECURE_COOKIES="0",
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.update(extra)
    return env


def collect_static(env):
    """With DEBUG off, pages name their static files through WhiteNoise's manifest, which
    collectstatic writes under PAPI_VAR_DIR: without it every page is a 500."""
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=settings.BASE_DIR, env=env, check=True)


def is_healthy(base_url):
    try:
        with urllib.request.urlopen(f"{base_url}/suc-khoe/", timeout=5) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _answers_ping(port):
    try:
        with socket.create_connection((LOOPBACK, port), timeout=2) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class Processes:
    """Starts servers and workers, and stops every one of them on leaving the `with` block,
    after a failure too. Each writes its output to a log file in `log_dir`."""

    def __init__(self, log_dir):
        self.log_dir = Path(log_dir)
        self.started = []  # (process, log path)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    def _start(self, name, command, env):
        log_path = self.log_dir / f"{name}.log"
        with open(log_path, "ab") as log:
            process = subprocess.Popen(command, cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)
        self.started.append((process, log_path))
        return process, log_path

    def gunicorn(self, port, env, workers=2):
        """gunicorn on 127.0.0.1:port; returns its base URL once /suc-khoe/ answers 200."""
        command = [sys.executable, "-m", "gunicorn", "papi_tracker.wsgi", "--bind", f"{LOOPBACK}:{port}",
                   "--workers", str(workers), "--timeout", "60", "--graceful-timeout", "10",
                   # Each server is stopped by its process; two would share the default control socket path.
                   "--no-control-socket"]  # fmt: skip
        process, log_path = self._start(f"gunicorn-{port}", command, env)
        base_url = f"http://{LOOPBACK}:{port}"
        deadline = time.monotonic() + STARTUP_SECONDS
        while not is_healthy(base_url):
            if process.poll() is not None or time.monotonic() > deadline:
                raise ServerError(f"gunicorn on port {port} did not start:\n{tail(log_path)}")
            time.sleep(0.3)
        return base_url

    def redis(self, port):
        """Debian's redis-server on 127.0.0.1:port, keeping nothing on disk; returns its
        CACHE_URL once it answers PING."""
        command = ["redis-server", "--port", str(port), "--bind", LOOPBACK, "--save", "", "--appendonly", "no",
                   "--dir", str(self.log_dir)]  # fmt: skip
        process, log_path = self._start(f"redis-{port}", command, None)
        deadline = time.monotonic() + STARTUP_SECONDS
        while not _answers_ping(port):
            if process.poll() is not None or time.monotonic() > deadline:
                raise ServerError(f"redis-server on port {port} did not start:\n{tail(log_path)}")
            time.sleep(0.2)
        return f"redis://{LOOPBACK}:{port}/0"

    def db_worker(self, env):
        """The background task worker (`manage.py worker`), polling often."""
        command = [sys.executable, "manage.py", "worker", "--interval", "0.5", "--no-startup-delay"]
        return self._start("db_worker", command, env)[0]

    def stop(self):
        for process, _log in reversed(self.started):
            if process.poll() is None:
                process.terminate()
        for process, _log in self.started:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.started = []


def tail(path, lines=30):
    try:
        return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""
