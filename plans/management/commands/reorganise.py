from django.core.management.base import BaseCommand, CommandError

from indicators.models import Province
from plans.reorganisation import reorganise


class Command(BaseCommand):
    help = (
        "Move the working data (agencies, accounts, groups, other names) of the former provinces "
        "of a unit formed on 1/7/2025 onto it. Plans, reports and history stay as they were. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "unit", help="A unit's code (an-giang-2025: all its former provinces) or a former province's (kien-giang: that one)."
        )
        parser.add_argument("--dry-run", action="store_true", help="Print what it would do, write nothing.")

    def handle(self, *args, unit, dry_run=False, **options):
        province = Province.objects.filter(code=unit).select_related("successor").first()
        if province is None:
            raise CommandError(f"No province or unit with code {unit!r}.")
        former = [province] if province.successor_id else None  # a former province alone, or all of a unit's
        unit = province.successor or province
        if not unit.predecessors.exists():
            raise CommandError(f"{unit.name} has no former provinces.")
        result = reorganise(unit, former=former, dry_run=dry_run)
        self.stdout.write(
            f"{'Dry run: would move' if dry_run else 'Moved'} onto {unit.name} from "
            + ", ".join(former.name for former in result.former)
        )
        for line in result.steps:
            self.stdout.write(f"  {line}")
        for line in result.left:
            self.stdout.write(f"  Not carried: {line}")
        for line in result.clashes:
            self.stdout.write(self.style.WARNING(f"  Clash: {line}"))
        if not result.changed:
            self.stdout.write("  Nothing to do.")
