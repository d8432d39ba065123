import json
import os
import platform
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from devtools import benchmark


class Command(BaseCommand):
    help = (
        "Print server time (median, 95th percentile) and SQL queries of every page a user opens (the admin's "
        "change lists and pages included), of the POSTs a user makes and of the dashboard right after each, "
        "the files the app writes and a plan import, on the demo plan and on the largest plan, against the "
        "issue's targets; list each URL left out with the reason why. Writes nothing that stays."
    )

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=30, help="Requests per page and user (default 30).")
        parser.add_argument("--export-runs", type=int, default=3, help="Runs of each file and of the import (default 3).")
        parser.add_argument("--strict", action="store_true", help="Exit with an error when a target is missed.")
        parser.add_argument(
            "--save-queries", metavar="FILE", help="Write the demo plan's query count of each page to FILE (JSON)."
        )
        parser.add_argument(
            "--compare-queries",
            metavar="FILE",
            help="Check that each page runs as many queries on the demo plan as FILE says (from a demo-only database).",
        )

    def handle(self, *args, repeat, export_runs, strict, save_queries, compare_queries, **options):
        if repeat < 1 or export_runs < 1:
            raise CommandError("--repeat and --export-runs must be at least 1.")
        saved = None
        if compare_queries:
            try:
                saved = json.loads(Path(compare_queries).read_text())
            except (OSError, ValueError) as error:
                raise CommandError(f"--compare-queries: {error}") from None
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
        if save_queries:
            Path(save_queries).write_text(json.dumps(results.query_counts(), ensure_ascii=False, indent=1))
            self.stdout.write(f"\nThe demo plan's query counts are in {save_queries}.")
        verdicts = results.verdicts()
        if saved is not None:
            verdicts += results.compare_queries(saved, compare_queries)
        missed = [check for check, passed in verdicts if not passed]
        self.stdout.write(f"\nTargets: {len(verdicts) - len(missed)} of {len(verdicts)} met.")
        for check in missed:
            self.stdout.write(f"  MISSED {check}")
        if strict and missed:
            raise CommandError(f"{len(missed)} targets missed.")
