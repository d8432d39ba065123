from django.core.cache import caches
from django.core.management.base import BaseCommand, CommandError

from papi_tracker.backup import is_empty, restore, row_counts


class Command(BaseCommand):
    help = "Load a backup made by `manage.py backup` into an empty, migrated database, and check every table's rows."

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, path, **options):
        if not is_empty():
            raise CommandError("The database is not empty: restore into a new database (migrate it first).")
        expected = restore(path)
        found = row_counts()
        missing = {label: (count, found.get(label, 0)) for label, count in expected.items() if found.get(label, 0) != count}
        if missing:
            raise CommandError(f"Rows differ after the restore (expected, found): {missing}")
        # What the shared cache holds (a plan's figures, by the plan's version number) was computed
        # from the data before: the restored rows may reuse those numbers.
        caches["default"].clear()
        self.stdout.write(f"Restored {sum(expected.values())} rows in {len(expected)} tables; every count matches.")
