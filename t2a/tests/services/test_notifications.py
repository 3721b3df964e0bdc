"""Reminders go out exactly once: unit tests of the claim, then real workers on Redis."""

import signal
import threading
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from t2a import selectors
from t2a.celery import app as celery_app
from t2a.models import (
    Delivery,
    Invitation,
    MessageStatus,
    Notification,
    NotificationPreference,
    OutboundMessage,
    Reminder,
    Role,
)
from t2a.services import notifications
from t2a.tasks import notification_digests_send


def make_invitations(org, inviter, count: int, expires_in_days: float = 1.5):
    with scopes_disabled():
        return [
            Invitation.objects.create(
                organisation=org,
                email=f"invitee{n}@example.org",
                role=Role.GOVERNANCE,
                token_hash=f"reminder-test-{org.slug}-{n}",
                invited_by=inviter,
                expires_at=timezone.now() + timedelta(days=expires_in_days),
            )
            for n in range(count)
        ]


@pytest.mark.django_db
def test_due_items_are_claimed_once_however_often_the_sweep_runs(
    org, admin_user, django_capture_on_commit_callbacks
):
    make_invitations(org, admin_user, 3)
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.reminder_sweep() == 3
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.reminder_sweep() == 0
    assert len(mail.outbox) == 3
    assert mail.outbox[0].subject.startswith("Your invitation to invitee")
    with scopes_disabled():
        assert Reminder.objects.filter(sent_at__isnull=False).count() == 3
        assert Notification.objects.filter(recipient=admin_user).count() == 3


@pytest.mark.django_db
def test_items_not_yet_due_send_nothing(org, admin_user, django_capture_on_commit_callbacks):
    make_invitations(org, admin_user, 2, expires_in_days=5)
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.reminder_sweep() == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_delivering_a_claimed_reminder_twice_sends_once(
    org, admin_user, django_capture_on_commit_callbacks
):
    make_invitations(org, admin_user, 1)
    with scope(organisation=org.pk), django_capture_on_commit_callbacks(execute=True):
        dues = list(selectors.invitations_expiring(organisation=org, today=timezone.localdate()))
        [reminder_id] = notifications.reminder_claim(organisation=org, dues=dues)
        assert notifications.reminder_claim(organisation=org, dues=dues) == []
        assert notifications.reminder_deliver(reminder_id=reminder_id) is True
        assert notifications.reminder_deliver(reminder_id=reminder_id) is False
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_digest_members_get_in_app_now_and_one_email_a_day(
    org, admin_user, django_capture_on_commit_callbacks
):
    with scopes_disabled():
        NotificationPreference.objects.create(
            organisation=org, user=admin_user, delivery=Delivery.DAILY_DIGEST
        )
    make_invitations(org, admin_user, 2)
    with django_capture_on_commit_callbacks(execute=True):
        notifications.reminder_sweep()
    assert mail.outbox == []
    with scopes_disabled():
        assert Notification.objects.filter(recipient=admin_user, emailed_at=None).count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert notification_digests_send() == 1
        assert notification_digests_send() == 0
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "2 updates from Northgate ICB"


@pytest.mark.django_db
def test_an_unsent_claim_is_enqueued_again_after_it_goes_stale(
    org, admin_user, settings, django_capture_on_commit_callbacks
):
    make_invitations(org, admin_user, 1)
    with scope(organisation=org.pk):
        dues = list(selectors.invitations_expiring(organisation=org, today=timezone.localdate()))
        notifications.reminder_claim(organisation=org, dues=dues)  # claimed, message lost
    assert notifications.reminder_sweep() == 0  # not stale yet
    with scopes_disabled():
        Reminder.objects.update(enqueued_at=timezone.now() - timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.reminder_sweep() == 1
    assert len(mail.outbox) == 1


# Real Celery workers against Redis ------------------------------------------------------


def sent_reminders(org) -> int:
    with scopes_disabled():
        return Reminder.objects.filter(organisation=org, sent_at__isnull=False).count()


@pytest.mark.celery_worker
def test_two_workers_and_two_sweeps_at_once_send_each_reminder_once(
    celery_worker_process, org, admin_user
):
    celery_worker_process.start(name="w1", concurrency=2)
    celery_worker_process.start(name="w2", concurrency=2)
    make_invitations(org, admin_user, 6)
    sweeps = [threading.Thread(target=notifications.reminder_sweep) for _ in range(2)]
    for sweep in sweeps:
        sweep.start()
    for sweep in sweeps:
        sweep.join()
    emails = celery_worker_process.wait_for_emails(6)
    notifications.reminder_sweep()  # a third sweep, after the fact
    time.sleep(2)
    assert len(celery_worker_process.emails()) == len(emails) == 6
    assert sent_reminders(org) == 6


@pytest.mark.celery_worker
def test_a_failed_send_is_retried_and_not_lost(celery_worker_process, org, admin_user):
    # The outbox retries at once here (no back-off), so the test need not wait for beat.
    celery_worker_process.start(env={"EMAIL_FAIL_FIRST": "1", "OUTBOX_RETRY_SECONDS": "0"})
    make_invitations(org, admin_user, 2)
    notifications.reminder_sweep()
    emails = celery_worker_process.wait_for_emails(2, timeout=30)
    celery_worker_process.wait_until_idle()
    assert len(celery_worker_process.emails()) == len(emails) == 2
    with scopes_disabled():
        messages = list(OutboundMessage.objects.all())
    assert [(m.status, m.attempts) for m in messages] == [(MessageStatus.SENT, 2)] * 2
    assert sent_reminders(org) == 2


@pytest.mark.celery_worker
def test_a_worker_killed_mid_send_still_sends_once(
    celery_worker_process, org, admin_user, settings
):
    slow = celery_worker_process.start(name="slow", pool="solo", env={"EMAIL_DELAY_SECONDS": "30"})
    make_invitations(org, admin_user, 1)
    notifications.reminder_sweep()
    log = celery_worker_process.log_dir / "slow.log"
    deadline = time.monotonic() + 20
    while "reminder_send" not in log.read_text() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert "reminder_send" in log.read_text(), "the slow worker never picked the task up"
    slow.send_signal(signal.SIGKILL)
    slow.wait(timeout=10)
    assert celery_worker_process.emails() == []

    # Killed mid-delivery or mid-send: the sweeps find the reminder (claimed, undelivered)
    # or its email (left "sending", past the healthy worker's short lease) and finish it.
    celery_worker_process.start(name="healthy", env={"OUTBOX_LEASE_SECONDS": "1"})
    settings.REMINDER_STALE_SECONDS = 0
    time.sleep(1.1)
    notifications.reminder_sweep()
    celery_app.send_task("t2a.tasks.outbox_send", queue="celery")
    celery_worker_process.wait_for_emails(1)
    notifications.reminder_sweep()
    time.sleep(2)
    assert len(celery_worker_process.emails()) == 1
    assert sent_reminders(org) == 1


@pytest.mark.django_db
def test_delivering_a_reminder_emails_nothing_itself_the_outbox_sends_after_the_commit(
    org, admin_user, django_capture_on_commit_callbacks
):
    make_invitations(org, admin_user, 1)
    with scope(organisation=org.pk):
        dues = list(selectors.invitations_expiring(organisation=org, today=timezone.localdate()))
        [reminder_id] = notifications.reminder_claim(organisation=org, dues=dues)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            assert notifications.reminder_deliver(reminder_id=reminder_id) is True
    # Delivered (in-app, and its email is a queued row) but nothing has left yet: a kill
    # before the commit rolls all of it back and sends nothing.
    assert mail.outbox == []
    with scopes_disabled():
        notification = Notification.objects.get(recipient=admin_user)
        message = OutboundMessage.objects.get()
    assert message.status == MessageStatus.QUEUED
    assert message.content_type.model_class() is Notification
    assert message.object_id == notification.pk
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["Message-ID"] == message.message_id
