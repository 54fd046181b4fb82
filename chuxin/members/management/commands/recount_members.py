"""Rebuild the counters of members on the roll per organization (members.tallies) from the member files.

The writes keep them up to date; run this after changing member rows outside the application (SQL by hand, a
restore of one table), or with --check to compare them with a fresh count without changing anything.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from chuxin.core.db import analyze
from chuxin.members.models import MemberTally
from chuxin.members.tallies import recount, tallies_match


class Command(BaseCommand):
    help = "Recount the members on the roll of every organization (the home page's counters). --check only compares."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Only report the counters that differ; exit 1 if any.")

    def handle(self, *args, **options):
        if options["check"]:
            wrong = tallies_match()
            for pk, stored, counted in wrong[:50]:
                self.stdout.write(f"organization {pk}: stored {stored}, counted {counted}")
            if wrong:
                raise CommandError(f"{len(wrong)} organizations' counters differ from a fresh count.")
            self.stdout.write(self.style.SUCCESS("Every counter matches a fresh count."))
            return
        with transaction.atomic():
            n = recount()
            analyze(MemberTally)
        self.stdout.write(self.style.SUCCESS(f"Recounted: {n} organizations have members on the roll."))
