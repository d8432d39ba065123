from django.core.management.base import BaseCommand
from django.db import transaction

from reporting.reminders import send_reminders


class Command(BaseCommand):
    help = (
        "E-mail reporters whose report is due soon or overdue, and coordinators a digest of late agencies; "
        "the notifications app adds its in-app reminders and sends the e-mails that waited. Run daily."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=3, help="Remind when the due date is this many days away or less.")
        parser.add_argument("--every", type=int, default=3, help="Remind the same agency at most once in this many days.")

    def handle(self, *args, days, every, **options):
        with transaction.atomic():
            run = send_reminders(days=days, every=every)
        self.stdout.write(
            f"Reminded {run.agencies_reminded} agencies ({len(run.reminded)} reports owed); "
            f"{run.skipped_recent} reminded recently; "
            f"{len(run.without_address)} without a reporter e-mail; {run.digests} coordinator digests."
        )
