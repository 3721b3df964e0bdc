"""The one Celery app. Every periodic schedule lives in BEAT_SCHEDULE below."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "t2a.settings")

app = Celery("t2a")
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
}
app.conf.beat_schedule = BEAT_SCHEDULE
