from django.core.management.base import BaseCommand

from plans.demo import DEMO_PASSWORD, DEMO_USERS
from reporting.demo import load_demo


class Command(BaseCommand):
    help = "Load the seed plans (An Giang, Đắk Nông 2020), their periods and one user per role. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print the demo logins.")

    def handle(self, *args, quiet_logins=False, **options):
        for plan in load_demo():
            self.stdout.write(
                f"Plan {plan}: {plan.targets.count()} targets, {plan.tasks.count()} tasks, {plan.periods.count()} periods."
            )
        if not quiet_logins:
            self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
            for demo in DEMO_USERS:
                self.stdout.write(f"  {demo.username:<16} {demo.description}")
