"""Tests that start real servers (gunicorn, the database worker, locust) as separate processes.
They are marked `servers` and run in their own pytest invocation on PostgreSQL only
(scripts/test.sh): other processes cannot see SQLite's in-memory test database. Being
transactional, they leave an empty database behind, so each loads the data it needs."""

import os
import shutil

import pytest
from django.db import connection

from devtools import servers
from indicators.reference import load_all
from reporting.demo import load_demo


@pytest.fixture
def shared_database(transactional_db):
    """The test database's URL, for the servers, with the reference and demo data committed.
    Fails (never skips) where other processes cannot reach the database."""
    assert connection.vendor == "postgresql", "the `servers` tests run on PostgreSQL (export DATABASE_URL)"
    load_all()
    load_demo()
    return servers.database_url(connection.settings_dict)


@pytest.fixture
def processes(tmp_path):
    """Starts servers; stops every one of them after the test, when it fails too."""
    with servers.Processes(tmp_path) as started:
        yield started


@pytest.fixture
def redis_url(processes):
    """A fresh redis-server (Debian's, scripts/system-deps.sh installs it) on a free loopback
    port, keeping nothing on disk: its CACHE_URL. Skipped where the binary is missing, except
    in CI (CI=true), where it must run."""
    if shutil.which("redis-server") is None:
        if os.environ.get("CI"):
            pytest.fail("redis-server is missing: scripts/system-deps.sh installs it (CI must run this test)")
        pytest.skip("redis-server is not installed (scripts/system-deps.sh installs it)")
    return processes.redis(servers.free_port())
