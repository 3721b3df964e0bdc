"""A worker (main process and pool child together) is SIGKILLed while it is sending a
reminder: the reminder still goes out exactly once, also when Redis later hands the dead
worker's message out again."""

import time

import pytest
import redis
from django.conf import settings as django_settings
from django_scopes import scopes_disabled

from t2a.models import Reminder
from t2a.services import notifications
from t2a.tests.services.test_notifications import make_invitations

from .services import redeliver_unacked, wait_until

pytestmark = pytest.mark.faults


def test_a_worker_killed_mid_reminder_sends_it_exactly_once(
    celery_worker_process, org, admin_user, settings
):

    log = celery_worker_process.log_dir / "doomed.log"
    # Sending takes 30 s (the test mail backend waits), so the kill lands mid-send: the
    # row is locked and the notification written, but nothing is committed or emailed.
    doomed = celery_worker_process.start(name="doomed", env={"EMAIL_DELAY_SECONDS": "30"})
    make_invitations(org, admin_user, 1)
    assert notifications.reminder_sweep() == 1
    wait_until(lambda: "reminder_send_batch" in log.read_text(), timeout=20, what="the send")
    time.sleep(2)  # inside the send now
    celery_worker_process.kill(doomed)
    assert celery_worker_process.emails() == []
    with scopes_disabled():
        (reminder,) = Reminder.objects.all()
    assert reminder.sent_at is None

    celery_worker_process.start(name="healthy")
    # Not stale yet: the sweep leaves the claim alone (its message might still be coming).
    assert notifications.reminder_sweep() == 0
    settings.REMINDER_STALE_SECONDS = 0
    time.sleep(0.1)
    assert notifications.reminder_sweep() == 1  # stale: claimed again and enqueued
    celery_worker_process.wait_for_emails(1)

    # An hour on, Redis gives the dead worker's unacknowledged message out again, and
    # more sweeps run: nothing is sent twice.
    broker = redis.Redis.from_url(django_settings.CELERY_BROKER_URL)
    assert redeliver_unacked(broker) == 1
    notifications.reminder_sweep()
    healthy_log = celery_worker_process.log_dir / "healthy.log"
    wait_until(
        lambda: healthy_log.read_text().count("succeeded") >= 2,
        timeout=30,
        what="the redelivered message to be handled",
    )
    time.sleep(2)
    assert len(celery_worker_process.emails()) == 1
    with scopes_disabled():
        reminder.refresh_from_db()
    assert reminder.sent_at is not None
    assert reminder.attempts == 1
