"""The one Celery app. Every periodic schedule lives in BEAT_SCHEDULE below."""

import functools
import logging
import os

from celery import Celery
from celery.contrib.django.task import DjangoTask
from celery.schedules import crontab
from kombu.exceptions import OperationalError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "t2a.settings")

log = logging.getLogger(__name__)


class T2ATask(DjangoTask):
    """Tasks whose `delay_on_commit()` survives the broker being down.

    The callback runs after the commit, so the rows the task is about are saved whatever
    happens; raising there would only turn the user's request into a 500 for work that is
    already recorded. So a failed publish is logged and the row is left for its recovery
    path to pick up: a report stays queued until `cycles.report_recovery` enqueues it
    again, a claimed reminder is claimed again by the sweep once it is stale.
    """

    def delay_on_commit(self, *args, **kwargs) -> None:
        self.apply_async_on_commit(args, kwargs)

    def apply_async_on_commit(self, *args, **kwargs) -> None:
        from django.db import transaction

        transaction.on_commit(functools.partial(self._publish_or_log, *args, **kwargs))

    def _publish_or_log(self, *args, **kwargs) -> None:
        try:
            self.apply_async(*args, **kwargs)
        except OperationalError as exc:
            log.error("Could not enqueue %s (the broker is unreachable): %r", self.name, exc)


app = Celery("t2a", task_cls=T2ATask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Crontab entries, each with `expires` so a backlog never piles up after downtime. Stage
# apps do not add their own periodic jobs: they add reminder sources (see
# t2a/notifications.py) and the one sweep finds what is due.
BEAT_SCHEDULE: dict[str, dict] = {
    "reminder-sweep": {
        "task": "t2a.tasks.reminder_sweep",
        "schedule": crontab(minute="*/15"),
        "options": {"expires": 14 * 60},
    },
    "notification-digests": {
        "task": "t2a.tasks.notification_digests_send",
        "schedule": crontab(hour=7, minute=0),
        "options": {"expires": 6 * 60 * 60},
    },
    # Each organisation's stakeholder retention setting (stakeholders/retention.py).
    "stakeholder-retention": {
        "task": "stakeholders.tasks.retention_sweep",
        "schedule": crontab(hour=2, minute=30),
        "options": {"expires": 6 * 60 * 60},
    },
}
# Not a stage job but the safety net for lost messages and dead workers: reports left
# queued or running are enqueued again or failed (cycles/report_recovery.py).
BEAT_SCHEDULE["report-recovery"] = {
    "task": "cycles.tasks.reports_recover",
    "schedule": crontab(minute="*/5"),
    "options": {"expires": 4 * 60},
}
# Organisation exports whose message or worker was lost are failed, so the page says so.
BEAT_SCHEDULE["export-recovery"] = {
    "task": "t2a.tasks.organisation_exports_give_up",
    "schedule": crontab(minute="*/15"),
    "options": {"expires": 14 * 60},
}
app.conf.beat_schedule = BEAT_SCHEDULE
