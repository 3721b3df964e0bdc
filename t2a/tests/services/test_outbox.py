"""The outbox: a message is a row first; the claim commits before the send; the send is
marked in its own transaction; failures retry with back-off and end as failed; a message a
dead worker left "sending" is sent again with the same Message-ID."""

from datetime import timedelta
from smtplib import SMTPRecipientsRefused, SMTPServerDisconnected

import psycopg
import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone
from django_scopes import scopes_disabled

from t2a import senders
from t2a.celery import BEAT_SCHEDULE, task
from t2a.models import Channel, MessageStatus, OutboundMessage
from t2a.services import outbox
from t2a.tasks import outbox_send


def queue(org=None, **fields) -> OutboundMessage:
    return outbox.message_queue(
        channel=fields.pop("channel", Channel.EMAIL),
        recipient=fields.pop("recipient", "someone@example.org"),
        subject=fields.pop("subject", "Hello"),
        body_text=fields.pop("body_text", "Plain words"),
        body_html=fields.pop("body_html", "<p>Plain words</p>"),
        organisation=org,
        **fields,
    )


def row(message: OutboundMessage) -> OutboundMessage:
    return OutboundMessage.everywhere.get(pk=message.pk)


class Refusing:
    """A sender whose provider refuses: `error` each time."""

    def __init__(self, error: Exception) -> None:
        self.error = error
        self.calls = 0

    def send(self, message):
        self.calls += 1
        raise self.error


@pytest.fixture
def sender(monkeypatch):
    def use(replacement):
        monkeypatch.setitem(senders.SENDERS, Channel.EMAIL, replacement)
        return replacement

    return use


@pytest.mark.django_db
def test_a_queued_message_is_a_row_and_is_sent_after_the_commit(
    org, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = queue(org)
    assert row(message).status == MessageStatus.QUEUED
    assert mail.outbox == []  # nothing leaves before the commit
    assert len(callbacks) == 1
    callbacks[0]()
    sent = row(message)
    assert sent.status == MessageStatus.SENT
    assert sent.attempts == 1
    assert sent.sent_at is not None
    (email,) = mail.outbox
    assert email.to == ["someone@example.org"]
    assert email.extra_headers["Message-ID"] == message.message_id
    assert message.message_id == f"<t2a-msg-{message.pk}@127.0.0.1>"
    assert sent.provider_reference == message.message_id


@pytest.mark.django_db
def test_a_failed_send_is_retried_after_a_back_off_then_given_up(org, sender, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    refusing = sender(Refusing(SMTPServerDisconnected("gone")))
    message = queue(org)
    assert outbox.outbox_deliver().failed == 1
    first = row(message)
    assert first.status == MessageStatus.QUEUED
    assert first.attempts == 1
    assert "SMTPServerDisconnected" in first.last_error
    wait = first.next_attempt_at - timezone.now()
    assert timedelta(seconds=25) < wait <= timedelta(seconds=30)
    # Not due yet: the sweep leaves it alone.
    assert outbox.outbox_deliver().failed == 0
    for attempt in (2, 3):
        OutboundMessage.everywhere.filter(pk=message.pk).update(next_attempt_at=timezone.now())
        outbox.outbox_deliver()
        assert row(message).attempts == attempt
    assert row(message).status == MessageStatus.FAILED
    assert refusing.calls == 3
    assert outbox.backoff(2) == timedelta(seconds=60)
    assert outbox.backoff(30) == timedelta(hours=1)


@pytest.mark.django_db
def test_a_refused_address_fails_at_once(org, sender):
    sender(Refusing(SMTPRecipientsRefused({"x@example.org": (550, b"no such user")})))
    message = queue(org)
    outbox.outbox_deliver()
    assert row(message).status == MessageStatus.FAILED
    assert row(message).attempts == 1


@pytest.mark.django_db
def test_a_channel_nobody_sends_yet_fails_plainly(org):
    message = queue(org, channel=Channel.TEXT, recipient="+447700900123")
    outbox.outbox_deliver()
    failed = row(message)
    assert failed.status == MessageStatus.FAILED
    assert "Nothing sends text messages yet" in failed.last_error


@pytest.mark.django_db
def test_a_secret_body_is_emptied_once_sent(org):
    message = queue(org, secret=True, body_text="https://x/join/TOKEN")
    outbox.outbox_deliver()
    sent = row(message)
    assert sent.status == MessageStatus.SENT
    assert (sent.body_text, sent.body_html) == ("", "")
    assert "TOKEN" in mail.outbox[0].body
    assert sent.subject == "Hello"  # what was sent, to whom, stays


@pytest.mark.django_db
def test_a_message_left_sending_past_its_lease_is_sent_again_with_the_same_message_id(
    org, settings
):
    message = queue(org)
    claimed = outbox.message_claim()  # a worker claims it ... and dies before it sends
    assert claimed.pk == message.pk
    assert row(message).status == MessageStatus.SENDING
    assert outbox.outbox_deliver().sent == 0  # within its lease: left alone

    OutboundMessage.everywhere.filter(pk=message.pk).update(
        claimed_at=timezone.now() - timedelta(seconds=settings.OUTBOX_LEASE_SECONDS + 1)
    )
    assert outbox.outbox_deliver().sent == 1
    assert row(message).status == MessageStatus.SENT
    assert row(message).attempts == 2
    assert mail.outbox[0].extra_headers["Message-ID"] == message.message_id


@pytest.mark.django_db
def test_a_late_outcome_from_a_claim_that_lost_its_lease_is_ignored(org, sender):
    message = queue(org)
    stale = outbox.message_claim()
    fresh_claim = timezone.now() + timedelta(seconds=1)
    OutboundMessage.everywhere.filter(pk=message.pk).update(claimed_at=fresh_claim)
    sender(Refusing(SMTPServerDisconnected("gone")))
    outbox.message_send(message=stale)  # the first worker's late failure
    assert row(message).status == MessageStatus.SENDING  # the second claim's to record
    assert row(message).claimed_at == fresh_claim


@pytest.mark.django_db
def test_a_row_interrupted_too_often_is_given_up(org, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    message = queue(org, secret=True)
    long_ago = timezone.now() - timedelta(days=1)
    OutboundMessage.everywhere.filter(pk=message.pk).update(
        status=MessageStatus.SENDING, attempts=2, claimed_at=long_ago
    )
    assert outbox.outbox_deliver().sent == 0
    given_up = row(message)
    assert given_up.status == MessageStatus.FAILED
    assert given_up.body_text == ""
    assert mail.outbox == []


@pytest.mark.django_db
def test_send_again_queues_a_failed_message_once_more(
    org, sender, django_capture_on_commit_callbacks
):
    refusing = sender(Refusing(SMTPRecipientsRefused({})))
    message = queue(org)
    outbox.outbox_deliver()
    assert row(message).status == MessageStatus.FAILED
    assert refusing.calls == 1
    sender(senders.EmailSender())
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox.message_send_again(message=row(message)) is True
    assert row(message).status == MessageStatus.SENT
    assert mail.outbox[0].extra_headers["Message-ID"] == message.message_id
    # Only a failed message can be sent again.
    assert outbox.message_send_again(message=row(message)) is False


@pytest.mark.django_db
def test_the_task_sends_every_due_message_across_organisations(org, other_org):
    for owner in (org, other_org, None):
        queue(owner)
    assert outbox_send() == 3
    assert len(mail.outbox) == 3
    with scopes_disabled():
        assert set(OutboundMessage.objects.values_list("status", flat=True)) == {"sent"}


def _status_seen_by_another_connection(pk: int) -> str:
    settings_dict = connection.settings_dict
    with psycopg.connect(
        host=settings_dict["HOST"] or "127.0.0.1",
        port=settings_dict["PORT"] or 5432,
        user=settings_dict["USER"],
        dbname=settings_dict["NAME"],
        autocommit=True,
    ) as other:
        table = OutboundMessage._meta.db_table
        return other.execute(f"SELECT status FROM {table} WHERE id = %s", [pk]).fetchone()[0]  # noqa: S608


@pytest.mark.django_db(transaction=True)
def test_the_claim_is_committed_before_the_send_and_no_transaction_is_open_during_it(org, sender):
    seen = {}

    class Watching:
        def send(self, message):
            seen["status"] = _status_seen_by_another_connection(message.pk)
            seen["in_transaction"] = connection.in_atomic_block
            return message.message_id

    sender(Watching())
    message = queue(org)  # committed at once here, so the (eager) task sends it now
    # Another process saw the row claimed while the provider had it: a kill at this
    # moment leaves a "sending" row that the sweep resends once its lease is over.
    assert seen == {"status": MessageStatus.SENDING, "in_transaction": False}
    assert _status_seen_by_another_connection(message.pk) == MessageStatus.SENT


def test_beat_runs_the_outbox_every_minute():
    entry = BEAT_SCHEDULE["outbox"]
    assert entry["task"] == outbox_send.name
    assert task(entry["task"]).name == outbox_send.name
    assert entry["schedule"].minute == set(range(60))
    assert entry["options"]["expires"] < 60  # a missed tick never piles up
