"""Demo data: the reminders the other apps' demo data calls for, so `make run` opens on a lived-in centre.

Call it last in seed_demo, after every other app has seeded: it runs the daily reminder job as of `today`.
Idempotent like the job itself: a second run stores nothing new."""

import datetime


def seed_demo_data(*, today: datetime.date) -> None:
    from .reminders import send_due_reminders

    send_due_reminders(today)
