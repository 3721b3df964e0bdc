"""The one Celery app. Every periodic schedule lives in BEAT_SCHEDULE below."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "t2a.settings")

app = Celery("t2a")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Crontab entries, each with `expires` so a backlog never piles up after downtime.
# Later issues add the reminder sweep here.
BEAT_SCHEDULE: dict[str, dict] = {}
app.conf.beat_schedule = BEAT_SCHEDULE
