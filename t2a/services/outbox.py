"""The outbox: every outgoing email, text message and letter is a row before it is sent.

`message_queue()` writes the row in the caller's transaction and asks for the outbox task
once it commits; if the broker is down that request is lost but the row is not, and the
beat sweep (every minute) finds it. Sending is three steps, so a crash at any point either
sends nothing or leaves a row that says what to do next:

1. claim: one due row moves queued -> sending in its own transaction, which commits before
   anything is sent (`FOR UPDATE SKIP LOCKED`, so concurrent sweeps take different rows);
2. send: the channel's sender (t2a/senders.py) hands it to the provider, outside any
   transaction, carrying the Message-ID derived from the row;
3. mark: a short transaction records it sent — or queued again after a back-off, and
   failed after the last attempt.

A worker killed between 1 and 3 leaves the row in "sending"; once its lease has passed,
the sweep claims it again and sends it with the same Message-ID. So a message may (rarely)
be delivered twice, but always as the same message, and never lost.
"""

import logging
import time
from dataclasses import dataclass
from datetime import timedelta
from smtplib import SMTPRecipientsRefused

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from ..celery import enqueue_on_commit
from ..models import MessageStatus, Organisation, OutboundMessage
from ..senders import NoSender, sender_for

log = logging.getLogger(__name__)

TASK = "t2a.tasks.outbox_send"
# Errors that sending again would not cure: give up at once.
PERMANENT = (NoSender, SMTPRecipientsRefused)
# What a secret message keeps once it has been sent or given up.
ERASED = {"body_text": "", "body_html": ""}


def lease() -> timedelta:
    """How long a claimed message may stay "sending" before the sweep decides its worker
    died and sends it again. Longer than any one send can take (the task's hard limit)."""
    return timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)


def backoff(attempts: int) -> timedelta:
    """The wait before attempt `attempts + 1`: doubling from OUTBOX_RETRY_SECONDS, at most
    an hour."""
    return timedelta(seconds=min(settings.OUTBOX_RETRY_SECONDS * 2 ** (attempts - 1), 3600))


def _message_save(
    *,
    channel: str,
    recipient: str,
    subject: str = "",
    body_text: str = "",
    body_html: str = "",
    organisation: Organisation | None = None,
    about: models.Model | None = None,
    secret: bool = False,
) -> OutboundMessage:
    message = OutboundMessage(
        organisation=organisation,
        channel=channel,
        recipient=recipient,
        subject=subject[:300],
        body_text=body_text,
        body_html=body_html,
        secret=secret,
    )
    if about is not None:
        message.content_type = ContentType.objects.get_for_model(about)
        message.object_id = about.pk
    message.save()
    return message


def message_queue(**fields) -> OutboundMessage:
    """Put a message in the outbox, in the caller's transaction; a worker sends it once
    that commits (or the beat sweep does, if the request to the worker is lost). Takes
    the fields of `_message_save`: channel, recipient, subject, bodies, organisation, what
    it is `about`, and whether it is `secret`."""
    message = _message_save(**fields)
    enqueue_on_commit(TASK)
    return message


def message_send_now(**fields) -> OutboundMessage:
    """Put a message in the outbox and send it from this process at once: for sign-in
    emails, which a person is waiting for and which should not wait on the broker.

    The row commits on its own first (`durable`: this must not run inside a caller's
    transaction), then goes through the same claim and send as the worker's, so if the
    send fails the sweep retries it."""
    with transaction.atomic(durable=True):
        message = _message_save(**fields)
    message_deliver(message_pk=message.pk)
    return message


def _claim_due(now, queryset) -> OutboundMessage | None:
    due = models.Q(status=MessageStatus.QUEUED, next_attempt_at__lte=now) | models.Q(
        status=MessageStatus.SENDING, claimed_at__lt=now - lease()
    )
    while True:
        with transaction.atomic():
            found = (
                queryset.select_for_update(skip_locked=True)
                .filter(due)
                .order_by("next_attempt_at", "pk")
                .values("pk", "status", "attempts")
                .first()
            )
            if found is None:
                return None
            interrupted = found["status"] == MessageStatus.SENDING
            if interrupted and found["attempts"] >= settings.OUTBOX_MAX_ATTEMPTS:
                _give_up(found["pk"], "Interrupted while sending, too many times.")
                continue
            OutboundMessage.everywhere.filter(pk=found["pk"]).update(
                status=MessageStatus.SENDING,
                claimed_at=now,
                attempts=models.F("attempts") + 1,
            )
        if interrupted:
            log.warning("Outbox message %s was left sending; sending it again", found["pk"])
        return OutboundMessage.everywhere.get(pk=found["pk"])


def message_claim(*, now=None, message_pk: int | None = None) -> OutboundMessage | None:
    """Claim the next due message (or the one given, if it is due) and commit the claim."""
    queryset = OutboundMessage.everywhere.all()
    if message_pk is not None:
        queryset = queryset.filter(pk=message_pk)
    return _claim_due(now or timezone.now(), queryset)


def _give_up(pk: int, error: str) -> None:
    OutboundMessage.everywhere.filter(pk=pk, secret=True).update(**ERASED)
    OutboundMessage.everywhere.filter(pk=pk).update(
        status=MessageStatus.FAILED, last_error=error[:500], claimed_at=None
    )


def _still_ours(message: OutboundMessage) -> models.QuerySet:
    # Only the claim that sent it records the outcome: if the lease ran out and another
    # sweep claimed it again meanwhile, that claim's own send will record its outcome.
    return OutboundMessage.everywhere.filter(
        pk=message.pk, status=MessageStatus.SENDING, claimed_at=message.claimed_at
    )


def message_send(*, message: OutboundMessage) -> bool:
    """Send a claimed message and record the outcome. Call outside any transaction: the
    claim must already be committed, and a provider cannot join a rollback."""
    try:
        reference = sender_for(message.channel).send(message)
    except SoftTimeLimitExceeded:
        _still_ours(message).update(status=MessageStatus.QUEUED, next_attempt_at=timezone.now())
        raise
    except Exception as exc:  # noqa: BLE001 - any refusal is recorded and retried or failed
        error = f"{type(exc).__name__}: {exc}"
        last = message.attempts >= settings.OUTBOX_MAX_ATTEMPTS
        if isinstance(exc, PERMANENT) or last:
            log.error("Outbox message %s failed for good: %s", message.pk, error)
            values = {"status": MessageStatus.FAILED, "last_error": error[:500]}
            if message.secret:
                values |= ERASED
        else:
            log.warning("Outbox message %s not sent, will retry: %s", message.pk, error)
            values = {
                "status": MessageStatus.QUEUED,
                "next_attempt_at": timezone.now() + backoff(message.attempts),
                "last_error": error[:500],
            }
        _still_ours(message).update(**values)
        return False
    values = {
        "status": MessageStatus.SENT,
        "sent_at": timezone.now(),
        "provider_reference": reference[:200],
        "last_error": "",
    }
    if message.secret:
        values |= ERASED
    _still_ours(message).update(**values)
    return True


def message_deliver(*, message_pk: int) -> bool:
    """Claim and send one message now, if it is still due (from the process that queued
    it). False if someone else has it or it has gone."""
    message = message_claim(message_pk=message_pk)
    return message is not None and message_send(message=message)


@dataclass(frozen=True)
class OutboxRun:
    sent: int
    failed: int
    finished: bool


def outbox_deliver(*, budget_seconds: float | None = None) -> OutboxRun:
    """Claim and send due messages, one at a time, until none is due or time is up.

    One claim per message keeps what a dead worker strands to the one message it was
    sending. `finished` is False when time ran out with messages still due."""
    budget = settings.OUTBOX_SWEEP_SECONDS if budget_seconds is None else budget_seconds
    deadline = time.monotonic() + budget
    sent = failed = 0
    while time.monotonic() < deadline:
        message = message_claim()
        if message is None:
            return OutboxRun(sent, failed, finished=True)
        if message_send(message=message):
            sent += 1
        else:
            failed += 1
    return OutboxRun(sent, failed, finished=False)


def message_send_again(*, message: OutboundMessage) -> bool:
    """Queue a failed message once more (a person asked). False unless it had failed and
    still has its body (a secret one is emptied when given up: send a new one instead)."""
    if message.secret:
        return False
    moved = OutboundMessage.everywhere.filter(pk=message.pk, status=MessageStatus.FAILED).update(
        status=MessageStatus.QUEUED,
        attempts=0,
        next_attempt_at=timezone.now(),
        last_error="",
    )
    if moved:
        enqueue_on_commit(TASK)
    return bool(moved)
