"""Notifications and reminders, shared by every stage app.

Apps tell members things through `notification_create()`. Scheduled reminders come from
*reminder sources*: functions each app registers (`app.reminder_source`) that, given an
organisation and a date, yield `Due` items. The periodic sweep claims each due item by
inserting a Reminder row under a unique constraint (kind, object, due date, recipient) —
only the sweep that inserts the row enqueues the delivery, so a reminder is delivered once
however many sweeps or workers run. Delivery locks the row and, in one transaction, records
the in-app notification, puts its email in the outbox (t2a/services/outbox.py) and sets
`sent_at`; nothing is emailed inside a transaction, the outbox sends it after the commit.
"""

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Count, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django_scopes import scope

from ..celery import enqueue_on_commit
from ..models import (
    Delivery,
    Membership,
    Notification,
    NotificationPreference,
    Organisation,
    Reminder,
    User,
)
from ..registry import ReminderSource, registry, resolve
from ..selectors import Due
from .emails import email_queue

log = logging.getLogger(__name__)

CLAIM_BATCH = 500
# Rows per INSERT when claiming: small enough that the statement (14 placeholders a row)
# stays under psycopg's 4 KB parse cache, which a 500-row statement misses every time —
# re-parsing 7,000 placeholders per batch made claiming 9,000 reminders take seconds.
INSERT_BATCH = 50
SEND_BATCH = 100


def stale_after() -> timedelta:
    """A claimed reminder still unsent this long after it was enqueued is enqueued again:
    its message may have been lost with a broker restart or a killed worker."""
    return timedelta(seconds=settings.REMINDER_STALE_SECONDS)


def delivery_for(*, organisation: Organisation, user_id: int) -> str:
    preference = NotificationPreference.objects.filter(
        organisation=organisation, user_id=user_id
    ).first()
    return preference.delivery if preference else Delivery.IMMEDIATE


# Set while seed_demo builds demo rows: notifications are recorded in-app but no email is
# enqueued, so seeding never sends anything; only the reminder sweep sends.
_held: ContextVar[bool] = ContextVar("notifications_held", default=False)


@contextmanager
def notifications_held() -> Iterator[None]:
    """Record notifications without emailing them (for demo data)."""
    token = _held.set(True)
    try:
        yield
    finally:
        _held.reset(token)


def unread_recount(*, organisation_id: int, user_id: int) -> None:
    """Set the member's count of unread notifications (Membership.unread_notifications,
    shown in every page's header) to what the notifications say, in one UPDATE in the
    caller's transaction. Counted afresh rather than moved by one, so it stays exact
    whatever else created or read notifications at the same time."""
    unread = (
        Notification._base_manager.filter(
            organisation_id=organisation_id, recipient_id=user_id, read_at__isnull=True
        )
        .order_by()
        .values("recipient_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    Membership._base_manager.filter(organisation_id=organisation_id, user_id=user_id).update(
        unread_notifications=Coalesce(Subquery(unread), 0)
    )


def notification_create(
    *,
    organisation: Organisation,
    recipient: User,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
) -> Notification:
    """Record an in-app notification and, for members who want them at once, queue its
    email in the outbox (in the caller's transaction, so it cannot be lost)."""
    notification = Notification.objects.create(
        organisation=organisation,
        recipient=recipient,
        kind=kind,
        title=title[:200],
        body=body[:2000],
        url=url,
    )
    unread_recount(organisation_id=organisation.pk, user_id=recipient.pk)
    if _held.get():
        return notification
    if delivery_for(organisation=organisation, user_id=recipient.pk) == Delivery.IMMEDIATE:
        _email_notifications(recipient, organisation, [notification], about=notification)
    return notification


def _email_notifications(
    recipient: User, organisation: Organisation, items: list, *, about=None
) -> None:
    """Queue one email listing `items`; they count as emailed from now (the outbox row
    says whether it has gone), so a digest never lists them again."""
    email_queue(
        template="notification",
        to=recipient.email,
        context={"organisation": organisation, "recipient": recipient, "items": items},
        organisation=organisation,
        about=about,
    )
    now = timezone.now()
    for item in items:
        item.emailed_at = now
    Notification.objects.filter(pk__in=[item.pk for item in items]).update(emailed_at=now)


def notification_mark_read(
    *, organisation: Organisation, recipient: User, notification_ids: Iterable[int] | None
) -> int:
    """Mark the member's unread notifications in `organisation` read (all of them, or
    those of `notification_ids`) and recount what is left unread."""
    unread = Notification.objects.filter(
        organisation=organisation, recipient=recipient, read_at__isnull=True
    )
    if notification_ids is not None:
        unread = unread.filter(pk__in=list(notification_ids))
    count = unread.update(read_at=timezone.now())
    unread_recount(organisation_id=organisation.pk, user_id=recipient.pk)
    return count


def digest_send(*, organisation: Organisation, user_id: int) -> int:
    """Queue one digest email of a member's un-emailed notifications (safe to retry)."""
    with transaction.atomic():
        items = list(
            Notification.objects.select_for_update()
            .select_related("recipient")
            .filter(recipient_id=user_id, emailed_at__isnull=True)
            .order_by("created_at")
        )
        if not items:
            return 0
        _email_notifications(items[0].recipient, organisation, items)
    return len(items)


def digest_recipients(*, organisation: Organisation) -> list[int]:
    return list(
        NotificationPreference.objects.filter(
            organisation=organisation, delivery=Delivery.DAILY_DIGEST
        ).values_list("user_id", flat=True)
    )


# Reminders -----------------------------------------------------------------------------


def reminder_sources() -> list:
    """Every app's reminder sources (registered with `app.reminder_source`)."""
    return [resolve(item.source) for item in registry.all(ReminderSource)]


def reminder_claim(*, organisation: Organisation, dues: Iterable[Due]) -> list[int]:
    """Insert Reminder rows for `dues`; return the ids of the ones this call inserted.

    `ON CONFLICT DO NOTHING … RETURNING id` (PostgreSQL and SQLite alike) returns only the
    rows that did not exist, so exactly one concurrent sweep wins each reminder.
    """
    content_types: dict[type, int] = {}
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    rows = []
    for due in dues:
        model = type(due.obj)
        if model not in content_types:
            content_types[model] = ContentType.objects.get_for_model(model).pk
        rows.append(
            (
                organisation.pk, due.kind, content_types[model], due.obj.pk,
                ops.adapt_datefield_value(due.due_date),
                due.recipient_id, due.step, due.title[:200], due.body[:2000], due.url[:500],
                now, now, 0, "",
            )
        )  # fmt: skip
    table = connection.ops.quote_name(Reminder._meta.db_table)
    columns = (
        "organisation_id, kind, content_type_id, object_id, due_date, recipient_id, step, "
        "title, body, url, created_at, enqueued_at, attempts, last_error"
    )
    claimed: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), INSERT_BATCH):
            batch = rows[start : start + INSERT_BATCH]
            placeholders = ", ".join(["(" + ", ".join(["%s"] * 14) + ")"] * len(batch))
            params = [value for row in batch for value in row]
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {placeholders} "  # noqa: S608 - no user input
                "ON CONFLICT DO NOTHING RETURNING id",
                params,
            )
            claimed.extend(row[0] for row in cursor.fetchall())
    return claimed


def reminders_stale(*, organisation: Organisation, now=None) -> list[int]:
    """Claim again reminders that were enqueued long ago and never sent."""
    now = now or timezone.now()
    cutoff = now - stale_after()
    stale = list(
        Reminder.objects.filter(
            organisation=organisation, sent_at__isnull=True, enqueued_at__lt=cutoff
        ).values_list("pk", flat=True)[:CLAIM_BATCH]
    )
    reclaimed = []
    for pk in stale:
        # Conditional update: only one sweep re-enqueues a given stale reminder.
        if Reminder.objects.filter(pk=pk, sent_at__isnull=True, enqueued_at__lt=cutoff).update(
            enqueued_at=now
        ):
            reclaimed.append(pk)
    return reclaimed


def reminder_sweep_organisation(*, organisation: Organisation, today: date) -> int:
    """Find what is due in one organisation, claim it and enqueue one send per claim."""
    with scope(organisation=organisation.pk), transaction.atomic():
        dues: list[Due] = []
        for source in reminder_sources():
            dues.extend(source(organisation=organisation, today=today))
        ids = reminder_claim(organisation=organisation, dues=dues)
        ids += reminders_stale(organisation=organisation)
        # One message per SEND_BATCH claims: a busy morning (thousands of updates falling
        # due at midnight) would otherwise spend most of the sweep publishing messages.
        for start in range(0, len(ids), SEND_BATCH):
            enqueue_on_commit(
                "t2a.tasks.reminder_send_batch",
                organisation_id=organisation.pk,
                reminder_ids=ids[start : start + SEND_BATCH],
            )
    return len(ids)


def reminder_sweep(*, today: date | None = None) -> int:
    today = today or timezone.localdate()
    total = 0
    for organisation in Organisation.objects.order_by("pk").iterator():
        total += reminder_sweep_organisation(organisation=organisation, today=today)
    return total


def reminder_deliver(*, reminder_id: int) -> bool:
    """Deliver one claimed reminder: in-app always, and its email into the outbox unless
    the member chose a digest — all in one transaction with `sent_at`, so a kill at any
    point either leaves the reminder to deliver again or has delivered it whole. Nothing
    is emailed here (the outbox sends after the commit), so a rollback never follows an
    email out of the door. The row lock serialises concurrent deliveries: the second one
    finds `sent_at` set and does nothing."""
    try:
        with transaction.atomic():
            reminder = (
                Reminder.objects.select_for_update(of=("self",))
                .select_related("recipient", "organisation")
                .filter(pk=reminder_id, sent_at__isnull=True)
                .first()
            )
            if reminder is None:
                return False
            notification = Notification.objects.create(
                organisation=reminder.organisation,
                recipient=reminder.recipient,
                kind=reminder.kind,
                title=reminder.title,
                body=reminder.body,
                url=reminder.url,
            )
            unread_recount(organisation_id=reminder.organisation_id, user_id=reminder.recipient_id)
            wants = delivery_for(organisation=reminder.organisation, user_id=reminder.recipient_id)
            if wants == Delivery.IMMEDIATE:
                _email_notifications(
                    reminder.recipient, reminder.organisation, [notification], about=notification
                )
            reminder.sent_at = timezone.now()
            reminder.attempts += 1
            reminder.save(update_fields=["sent_at", "attempts"])
    except Exception as exc:
        Reminder.objects.filter(pk=reminder_id).update(last_error=repr(exc)[:500])
        raise
    return True


# Reminder sources of the platform itself -----------------------------------------------
