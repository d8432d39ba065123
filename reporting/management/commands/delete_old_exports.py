from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from reporting.exports import delete_old_exports


class Command(BaseCommand):
    help = "Delete finished background exports (file and row) asked for more than EXPORT_KEEP_DAYS days ago. Run daily."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=settings.EXPORT_KEEP_DAYS, help="Keep exports this many days.")

    def handle(self, *args, days, **options):
        if days < 1:
            raise CommandError("--days must be at least 1: a page may be waiting for an export asked for today.")
        removed = delete_old_exports(days=days)
        self.stdout.write(f"Deleted {removed} exports asked for more than {days} days ago.")
