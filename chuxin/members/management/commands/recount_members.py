"""Rebuild the counters of members on the roll per organization (members.tallies) from the member files, and
the organization's path copied onto each member row (members.org_paths).

The writes keep them up to date; run this after changing member rows outside the application (SQL by hand, a
restore of one table), or with --check to compare them with a fresh count without changing anything.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from chuxin.core.db import analyze
from chuxin.members import org_paths
from chuxin.members.models import Member, MemberTally
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
            paths = org_paths.mismatched()
            for pk, stored, actual in paths[:50]:
                self.stdout.write(f"member {pk}: org_path {stored!r}, its organization's path {actual!r}")
            if wrong or paths:
                raise CommandError(f"{len(wrong)} organizations' counters differ from a fresh count; "
                                   f"{len(paths)} members' organization paths differ from their organizations'.")
            self.stdout.write(self.style.SUCCESS("Every counter matches a fresh count, every member's path its "
                                                 "organization's."))
            return
        with transaction.atomic():
            n = recount()
            moved = org_paths.resync()
            analyze(MemberTally, Member)
        self.stdout.write(self.style.SUCCESS(f"Recounted: {n} organizations have members on the roll; "
                                             f"{moved} members' organization paths rewritten."))
