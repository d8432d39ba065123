from django.core.management.base import BaseCommand

from indicators.models import Province, Score
from indicators.reference import load_all


class Command(BaseCommand):
    help = "Load the PAPI framework, the provinces (63 and 34) and the published scores. Safe to run again."

    def handle(self, *args, **options):
        created, updated = load_all()
        self.stdout.write(
            f"Reference data: {Province.objects.count()} provinces, {Score.objects.count()} scores "
            f"({created} new, {updated} changed)."
        )
