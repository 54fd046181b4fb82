"""The daily reminder run. Schedule it once a day (cron, systemd timer); running it again sends nothing new.

    manage.py send_reminders                    enqueue the job for the worker (db_worker or rqworker)
    manage.py send_reminders --now              run it here and say how many reminders went out
    manage.py send_reminders --now --date 2026-03-01   as if today were that date (with or without --now)
"""

import datetime

from django.core.management.base import BaseCommand, CommandError

from chuxin.notifications.reminders import send_due_reminders
from chuxin.notifications.tasks import send_reminders_task


class Command(BaseCommand):
    help = "Send due-soon, overdue and other reminders from every app, each once (enqueued unless --now)."

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="Run here instead of enqueueing for the worker.")
        parser.add_argument("--date", help="Run as of this date (YYYY-MM-DD). Default: today.")

    def handle(self, *args, now: bool = False, date: str | None = None, **options):

        today = None
        if date:
            try:
                today = datetime.date.fromisoformat(date)
            except ValueError as exc:
                raise CommandError(f"--date must be YYYY-MM-DD, not {date!r}") from exc
        if now:
            sent = send_due_reminders(today)
            self.stdout.write(f"Sent {sent} reminder(s).")
            return
        result = send_reminders_task.enqueue(today.isoformat() if today else "")
        self.stdout.write(f"Enqueued the reminder job ({result.id}); the worker will send it.")
