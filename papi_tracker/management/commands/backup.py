from django.core.management.base import BaseCommand

from papi_tracker.backup import backup


class Command(BaseCommand):
    help = "Write every row and every private file to one .tar.gz (restore it with `manage.py restore`)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="where to write, e.g. /var/backups/papi-2026-11-23.tar.gz")

    def handle(self, *args, path, **options):
        counts = backup(path)
        self.stdout.write(f"Wrote {path}: {sum(counts.values())} rows in {len(counts)} tables, and the private files.")
