"""The robots' outbox: pushes queued in the database (Push), delivered by this module.

There is no message broker in the embedded default, so the queue is a table: a service queues Push rows in its own
transaction (nothing is lost if the platform is down), and they are sent
- at once after the commit (a background task, `deliver_pushes_task`),
- on retry after a failure, with backoff (BACKOFF), by a deferred task where the task backend can defer (the
  database worker and RQ can) and in any case by `manage.py send_pushes` and the daily run (housekeeping hook),
- never faster than the platform allows: a robot sends at most `per_minute` messages a minute; what waits beyond
  that is merged into one digest when the next minute opens.

A push is claimed before the HTTP call (its next attempt moved a lease ahead), so two workers never send it twice
and no database lock is held while a slow platform answers. After MAX_ATTEMPTS it is shown as failed, with its last
error, on the robot's page; the worker's "retry" puts it back in the queue.
"""

from __future__ import annotations

import datetime
import logging
import urllib.error
import urllib.request

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import default_task_backend, task

from . import platforms
from .models import Push, Robot

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
BACKOFF = (30, 120, 600, 1800)  # seconds before the 2nd, 3rd, 4th, 5th attempt
LEASE = datetime.timedelta(seconds=90)  # a claimed push is not taken again before this (a crashed sender)
WINDOW = datetime.timedelta(minutes=1)
DIGEST_LINES = 10


def timeout() -> float:
    return float(getattr(settings, "CHUXIN_ROBOT_TIMEOUT", 5))


def site_url(path: str) -> str:
    return f"{settings.CHUXIN_SITE_URL.rstrip('/')}{path}" if path.startswith("/") else path


def queue(robots, *, source: str, title: str, text: str = "", url: str = "") -> list[Push]:
    """Queue one push per robot (once per robot and source), sent after the caller's transaction commits."""
    rows = [Push(robot=robot, source=source[:80], title=title[:200], text=text[:500], url=url[:500])
            for robot in robots]
    if not rows:
        return []
    Push.objects.bulk_create(rows, ignore_conflicts=True)
    transaction.on_commit(lambda: deliver_pushes_task.enqueue())
    return rows


def _post(url: str, body: bytes) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, method="POST",  # noqa: S310 (https or an allowed host only)
                                     headers={"Content-Type": "application/json; charset=utf-8"})
    try:
        with urllib.request.urlopen(request, timeout=timeout()) as answer:  # noqa: S310 (host checked on save)
            return answer.status, answer.read(65536)
    except urllib.error.HTTPError as error:
        return error.code, error.read(65536) if error.fp else b""


def _message(robot: Robot, pushes: list[Push]) -> tuple[str, list[str]]:
    """One push as itself; several as a digest (a burst: one message instead of many)."""
    link = _("Open in Chuxin")
    if len(pushes) == 1:
        push = pushes[0]
        lines = [platforms.plain(push.text)] if push.text else []
        if push.url:
            lines.append(platforms.link_line(robot.platform, link, site_url(push.url)))
        return platforms.plain(push.title), lines
    title = _("%(n)s new items in Chuxin") % {"n": len(pushes)}
    lines = []
    for push in pushes[:DIGEST_LINES]:
        label = platforms.plain(push.title)
        lines.append("- " + (platforms.link_line(robot.platform, label, site_url(push.url)) if push.url
                             else label))
    if len(pushes) > DIGEST_LINES:
        lines.append(_("…and %(n)s more") % {"n": len(pushes) - DIGEST_LINES})
    return title, lines


def _messages_since(robot: Robot, moment: datetime.datetime) -> float:
    """Messages the robot sent since `moment`: a digest of n pushes is one message."""
    sizes = Push.objects.filter(robot=robot, sent_at__gt=moment).values_list("digest_size", flat=True)
    return sum(1 / max(size, 1) for size in sizes)


def _claim(robot_id: int, now: datetime.datetime) -> tuple[Robot | None, list[Push]]:
    """Take the robot's due pushes for one message, within its platform's rate; postpone them when the minute's
    messages are spent."""
    with transaction.atomic():
        robot = Robot.objects.select_for_update().filter(pk=robot_id, enabled=True).first()
        if robot is None:
            return None, []
        due = list(Push.objects.filter(robot=robot, status=Push.Status.PENDING, next_attempt_at__lte=now)
                   .order_by("id")[:200])
        if not due:
            return robot, []
        if robot.window_start is None or now - robot.window_start >= WINDOW:
            robot.window_start, robot.window_count = now, 0
        spec = platforms.PLATFORMS[robot.platform]
        if robot.window_count >= spec.per_minute:
            Push.objects.filter(pk__in=[p.pk for p in due]).update(next_attempt_at=robot.window_start + WINDOW)
            return robot, []
        second = now - datetime.timedelta(seconds=1)
        if spec.per_second and _messages_since(robot, second) >= spec.per_second:
            Push.objects.filter(pk__in=[p.pk for p in due]).update(next_attempt_at=now + datetime.timedelta(seconds=1))
            return robot, []
        robot.window_count += 1
        robot.save(update_fields=["window_start", "window_count"])
        Push.objects.filter(pk__in=[p.pk for p in due]).update(next_attempt_at=now + LEASE)
    return robot, due


def _finish(robot: Robot, pushes: list[Push], error: str, now: datetime.datetime) -> None:
    ids = [p.pk for p in pushes]
    with transaction.atomic():
        if not error:
            Push.objects.filter(pk__in=ids).update(status=Push.Status.SENT, sent_at=now, last_error="",
                                                   digest_size=len(ids))
            Robot.objects.filter(pk=robot.pk).update(last_sent_at=now, last_error="")
            return
        Robot.objects.filter(pk=robot.pk).update(last_error=error[:300])
        for push in pushes:
            push.attempts += 1
            push.last_error = error[:300]
            if push.attempts >= MAX_ATTEMPTS:
                push.status = Push.Status.FAILED
            else:
                push.next_attempt_at = now + datetime.timedelta(seconds=BACKOFF[push.attempts - 1])
            push.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])


def deliver_robot(robot_id: int, now: datetime.datetime | None = None) -> int:
    """Send what the robot has due as one message; returns how many pushes went out."""
    now = now or timezone.now()
    robot, pushes = _claim(robot_id, now)
    if robot is None or not pushes:
        return 0
    with translation.override(settings.LANGUAGE_CODE):  # the group reads the site's language
        title, lines = _message(robot, pushes)
    address, body = platforms.request_for(robot.platform, robot.webhook, robot.secret, title=title, lines=lines)
    try:
        status, answer = _post(address, body)
        error = platforms.answer_error(robot.platform, status, answer)
    except (OSError, ValueError) as exc:  # refused, unreachable, timed out
        error = f"{type(exc).__name__}: {exc}"[:300]
    _finish(robot, pushes, error, now)
    if error:
        logger.warning("Robot %s: push failed: %s", robot.pk, error)
        _schedule_retry()
        return 0
    return len(pushes)


def deliver_due(now: datetime.datetime | None = None) -> int:
    """Every robot's due pushes (the command, the daily run, the task). Returns how many pushes went out."""
    now = now or timezone.now()
    robot_ids = (Push.objects.filter(status=Push.Status.PENDING, next_attempt_at__lte=now, robot__enabled=True)
                 .order_by().values_list("robot_id", flat=True).distinct())
    return sum(deliver_robot(robot_id, now) for robot_id in list(robot_ids))


def _schedule_retry() -> None:
    """A deferred run at the next retry time, where the task backend can defer; else the command and the daily run
    pick the push up."""
    if not default_task_backend.supports_defer:
        return
    when = (Push.objects.filter(status=Push.Status.PENDING).order_by("next_attempt_at")
            .values_list("next_attempt_at", flat=True).first())
    if when is not None:
        transaction.on_commit(lambda: deliver_pushes_task.using(run_after=when).enqueue())


def housekeeping(today: datetime.date) -> None:
    """The daily run's turn: whatever is still queued (a worker that was down, a platform that was)."""
    deliver_due()


@task()
def deliver_pushes_task() -> int:
    return deliver_due()
