"""The one Celery app. Every periodic schedule lives in BEAT_SCHEDULE below."""

import functools
import logging
import os

from celery import Celery
from celery.contrib.django.task import DjangoTask
from celery.schedules import crontab
from django.db import transaction
from kombu.exceptions import OperationalError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "t2a.settings")

log = logging.getLogger(__name__)


class T2ATask(DjangoTask):
    """Tasks whose `delay_on_commit()` survives the broker being down.

    The callback runs after the commit, so the rows the task is about are saved whatever
    happens; raising there would only turn the user's request into a 500 for work that is
    already recorded. So a failed publish is logged and the row is left for its recovery
    path to pick up: a job (report, export) stays queued until `t2a.jobs.jobs_recover`
    enqueues it again, a claimed reminder is claimed again by the sweep once it is stale.
    """

    def delay_on_commit(self, *args, **kwargs) -> None:
        self.apply_async_on_commit(args, kwargs)

    def apply_async_on_commit(self, *args, **kwargs) -> None:
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
# t2a/services/notifications.py) and the one sweep finds what is due.
BEAT_SCHEDULE: dict[str, dict] = {
    "reminder-sweep": {
        "task": "t2a.tasks.reminder_sweep",
        "schedule": crontab(minute="*/15"),
        "options": {"expires": 14 * 60},
    },
    # The outbox's safety net: retries, requests lost while the broker was down, and
    # messages a dead worker left "sending" (t2a/services/outbox.py).
    "outbox": {
        "task": "t2a.tasks.outbox_send",
        "schedule": crontab(minute="*"),
        "options": {"expires": 55},
    },
    "notification-digests": {
        "task": "t2a.tasks.notification_digests_send",
        "schedule": crontab(hour=7, minute=0),
        "options": {"expires": 6 * 60 * 60},
    },
    # Each organisation's stakeholder retention setting (stakeholders/services/retention.py).
    "stakeholder-retention": {
        "task": "stakeholders.tasks.retention_sweep",
        "schedule": crontab(hour=2, minute=30),
        "options": {"expires": 6 * 60 * 60},
    },
}
# Not a stage job but the safety net for lost messages and dead workers: jobs (reports,
# exports) left queued or running are enqueued again or failed (t2a/jobs.py).
BEAT_SCHEDULE["job-recovery"] = {
    "task": "t2a.tasks.jobs_recover",
    "schedule": crontab(minute="*/5"),
    "options": {"expires": 4 * 60},
}
app.conf.beat_schedule = BEAT_SCHEDULE


def task(name: str) -> T2ATask:
    """The task registered under `name`, importing every app's tasks module the first time
    (a web process imports them only when asked; a worker at start-up)."""
    if name not in app.tasks:
        app.loader.import_default_modules()
    return app.tasks[name]


def enqueue_on_commit(task_name: str, **kwargs) -> None:
    """Ask a worker to run the task named `task_name` once the transaction commits.

    Services enqueue by name, so a service never imports the tasks module that calls it
    (tasks import services; the other way round would be a circle). A broker that is down
    is logged, not raised (see T2ATask).
    """
    task(task_name).delay_on_commit(**kwargs)


def enqueue_now(task_name: str, **kwargs) -> bool:
    """Publish the task named `task_name` now; False (and logged) if the broker is down."""
    try:
        task(task_name).delay(**kwargs)
    except OperationalError as exc:
        log.error("Could not enqueue %s (the broker is unreachable): %r", task_name, exc)
        return False
    return True
