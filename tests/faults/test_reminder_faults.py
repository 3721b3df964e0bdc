"""A worker (main process and pool child together) is SIGKILLed while it is emailing a
reminder: the reminder is delivered once, and its email goes out once, carrying the
Message-ID of its outbox row — also when Redis later hands the dead worker's message out
again."""

import email
from datetime import timedelta

import pytest
import redis
from django.conf import settings as django_settings
from django.utils import timezone
from django_scopes import scopes_disabled

from t2a.celery import app as celery_app
from t2a.models import MessageStatus, Notification, OutboundMessage, Reminder
from t2a.services import notifications
from t2a.tests.services.test_notifications import make_invitations

from .services import redeliver_unacked, wait_until

pytestmark = pytest.mark.faults


def the_message() -> OutboundMessage:
    with scopes_disabled():
        return OutboundMessage.objects.get()


def test_a_worker_killed_mid_reminder_sends_it_exactly_once(
    celery_worker_process, org, admin_user, settings
):
    # Sending takes 30 s (the test mail backend waits), so the kill lands mid-send: the
    # reminder is delivered in-app and its email claimed, but nothing has been emailed.
    doomed = celery_worker_process.start(name="doomed", env={"EMAIL_DELAY_SECONDS": "30"})
    make_invitations(org, admin_user, 1)
    assert notifications.reminder_sweep() == 1
    wait_until(lambda: the_message().status == MessageStatus.SENDING, timeout=30, what="the send")
    celery_worker_process.kill(doomed)
    assert celery_worker_process.emails() == []
    with scopes_disabled():
        (reminder,) = Reminder.objects.all()
    assert reminder.sent_at is not None  # delivered: the email is the outbox's to finish
    assert the_message().status == MessageStatus.SENDING

    # The healthy worker's lease is a second: once the dead one's claim is older than
    # that, the row it left is sent again.
    celery_worker_process.start(name="healthy", env={"OUTBOX_LEASE_SECONDS": "1"})
    claimed_at = the_message().claimed_at
    wait_until(
        lambda: timezone.now() - claimed_at > timedelta(seconds=1.1),
        timeout=5,
        what="the dead worker's lease to run out",
    )
    assert notifications.reminder_sweep() == 0  # nothing new to deliver
    celery_app.send_task("t2a.tasks.outbox_send", queue="celery")  # beat's next minute
    (sent,) = celery_worker_process.wait_for_emails(1)

    # An hour on, Redis gives the dead worker's unacknowledged message out again, and
    # more sweeps run: nothing is sent twice.
    broker = redis.Redis.from_url(django_settings.CELERY_BROKER_URL)
    assert redeliver_unacked(broker) >= 1
    notifications.reminder_sweep()
    celery_app.send_task("t2a.tasks.outbox_send", queue="celery")
    celery_worker_process.wait_until_idle()
    assert len(celery_worker_process.emails()) == 1
    message = the_message()
    assert message.status == MessageStatus.SENT
    assert message.attempts == 2  # the claim that died, and the one that sent
    assert email.message_from_string(sent)["Message-ID"] == message.message_id
    with scopes_disabled():
        reminder.refresh_from_db()
        assert Notification.objects.count() == 1
    assert reminder.attempts == 1
