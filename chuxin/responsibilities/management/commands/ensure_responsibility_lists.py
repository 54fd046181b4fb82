from django.core.management.base import BaseCommand
from django.utils import timezone

from chuxin.responsibilities.services import lists_ensure_for_year


class Command(BaseCommand):
    help = (
        "Make the year's responsibility lists for everyone holding a committee seat during it, and each "
        "organization's committee list. Idempotent; run at the start of each year."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=None, help="The year (default: this year).")

    def handle(self, *args, year=None, **options):
        year = year or timezone.localdate().year
        lists = lists_ensure_for_year(year)
        self.stdout.write(self.style.SUCCESS(f"{lists} responsibility lists checked for {year}."))
