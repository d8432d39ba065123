import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from devtools import simulation


class Command(BaseCommand):
    help = (
        "Write a simulated national dataset for measuring speed (34 provinces × 5 plan-years × ~100 tasks, "
        "~120 agencies a province, 4 quarters, ~2 million answers at --scale full). Reproducible with --seed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=["full", "small"], default="full")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--remove", action="store_true", help="Delete the simulated data instead.")
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off (a benchmark server).")

    def handle(self, *args, scale, seed, remove, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError("generate_national writes made-up data: DEBUG is off. Use --force on a benchmark server.")
        if remove:
            simulation.remove()
            self.stdout.write("Simulated data removed.")
            return
        started = time.monotonic()
        try:
            counts = simulation.generate(
                simulation.FULL if scale == "full" else simulation.SMALL, seed=seed, log=self.stdout.write
            )
        except ValueError as error:
            raise CommandError(str(error)) from None
        elapsed = time.monotonic() - started
        self.stdout.write(", ".join(f"{value} {name}" for name, value in counts.items()) + f" in {elapsed:.0f} s.")
