from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from plans.demo import DEMO_PASSWORD, DEMO_USERS
from reporting import demo_2026
from reporting.demo import load_demo, load_demo_reports


class Command(BaseCommand):
    help = (
        "Load the seed plans (An Giang, Đắk Nông 2020), their periods, sample reports and one user per role. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print the demo logins.")
        parser.add_argument("--force", action="store_true", help="Load even with DEBUG off (a training server).")

    def handle(self, *args, quiet_logins=False, force=False, **options):
        if not settings.DEBUG and not force:
            # The demo creates an administrator with a published password and resets the seed plans.
            raise CommandError("load_demo is for development and demonstrations: DEBUG is off. Use --force on a training server.")
        for plan in load_demo():
            reports = load_demo_reports(plan)
            self.stdout.write(
                f"Plan {plan}: {plan.targets.count()} targets, {plan.tasks.count()} tasks, {plan.periods.count()} periods"
                + (f", {reports} sample reports." if reports else ".")
            )
        plan = demo_2026.load_merged_unit_demo()
        self.stdout.write(
            f"Plan {plan}: a province of 2026 (An Giang formed on 1/7/2025), {plan.province.agencies.count()} agencies "
            f"with its communes, {plan.tasks.count()} made-up tasks, baselines derived from An Giang and Kiên Giang."
        )
        if not quiet_logins:
            self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
            for demo in [*DEMO_USERS, *demo_2026.USERS]:
                self.stdout.write(f"  {demo.username:<16} {demo.description}")
            if settings.TWO_FACTOR_REQUIRED:
                self.stdout.write(
                    "admin and the coordinators (snv.*) set up two-factor login at their first login: "
                    "have an authenticator app (Google Authenticator, FreeOTP…) ready."
                )
