"""Builds the PostgreSQL test databases of `make test` once: test_<name> by the migrations, with
the reference data and the seed plans that tests/conftest.py loads, then a copy of it for each
xdist worker named on the command line (test_<name>_gw0, …; CREATE DATABASE … TEMPLATE). The
pytest runs then reuse them (--reuse-db): migrate finds nothing to do and the loaders nothing to
change, instead of each run and each worker migrating and loading a database of its own.

Usage (DATABASE_URL set): python scripts/test_databases.py gw0 gw1
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_databases  # noqa: E402

from indicators.reference import load_all  # noqa: E402
from reporting.demo import load_demo  # noqa: E402

assert connection.vendor == "postgresql", "only PostgreSQL test databases are built here (set DATABASE_URL)"
setup_databases(verbosity=0, interactive=False, serialized_aliases=set())
load_all()
load_demo()
for suffix in sys.argv[1:]:
    connection.creation.clone_test_db(suffix=suffix, verbosity=0)
connection.close()
print(f"{connection.settings_dict['NAME']} migrated and loaded, copied for: {' '.join(sys.argv[1:]) or 'no worker'}")
