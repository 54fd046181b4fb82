"""Send what the group robots have queued (chuxin.notices.delivery: the outbox table).

    manage.py send_pushes                  send what is due now, once, and say how many went out
    manage.py send_pushes --loop 30        keep going, every 30 seconds (a small deployment without a worker)

Pushes are also sent at once after each commit (a background task) and by the daily run (housekeeping); this
command is for retries in between, where the task backend cannot defer them.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from chuxin.notices.delivery import deliver_due


class Command(BaseCommand):
    help = "Send the group robots' queued pushes that are due (retries with backoff, bursts as digests)."

    def add_arguments(self, parser):
        parser.add_argument("--loop", type=int, default=0, help="Repeat every this many seconds (5 or more).")

    def handle(self, *args, loop: int = 0, **options):
        if loop and loop < 5:
            raise CommandError("--loop must be at least 5 seconds")
        while True:
            sent = deliver_due()
            self.stdout.write(f"{sent} pushes sent")
            if not loop:
                return
            time.sleep(loop)
