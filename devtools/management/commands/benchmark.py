import os
import platform

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from devtools import benchmark


class Command(BaseCommand):
    help = (
        "Print server time (median, 95th percentile) and SQL queries of the key pages as a reporter, a coordinator "
        "and an administrator, the compiled report's Excel and PDF times and a 1,000-row plan import, on the demo "
        "plan and on the largest plan, against the issue's targets. Writes nothing that stays."
    )

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=30, help="Requests per page and user (default 30).")
        parser.add_argument("--export-runs", type=int, default=3, help="Runs of each export (default 3).")
        parser.add_argument("--strict", action="store_true", help="Exit with an error when a target is missed.")

    def handle(self, *args, repeat, export_runs, strict, **options):
        if repeat < 1 or export_runs < 1:
            raise CommandError("--repeat and --export-runs must be at least 1.")
        try:
            results = benchmark.run(repeat=repeat, export_runs=export_runs, log=self.stdout.write)
        except ValueError as error:
            raise CommandError(str(error)) from None
        if not results.pages:
            raise CommandError("No plan to measure: load the demo data or generate the national dataset first.")
        self.stdout.write(
            f"\nPAPI Tracker benchmark, {timezone.localtime():%Y-%m-%d %H:%M}, {connection.vendor}, "
            f"{os.cpu_count()} cores, Python {platform.python_version()}; {repeat} requests per page and user.\n"
        )
        for line in benchmark.table(results):
            self.stdout.write(line)
        verdicts = results.verdicts()
        missed = [check for check, passed in verdicts if not passed]
        self.stdout.write(f"\nTargets: {len(verdicts) - len(missed)} of {len(verdicts)} met.")
        for check in missed:
            self.stdout.write(f"  MISSED {check}")
        if strict and missed:
            raise CommandError(f"{len(missed)} targets missed.")
