"""The outbox under faults: nothing is lost while the broker is down, and a worker killed
mid-send never makes a second, different copy of a message.

Every outgoing message is an outbox row written with what caused it; the claim commits
before the send, the send is marked in its own transaction, and a row a dead worker left
"sending" is sent again after its lease with the same Message-ID (t2a/services/outbox.py).
"""

import email
import time
from collections import defaultdict
from datetime import timedelta

import pytest
import redis
from django.conf import settings as django_settings
from django.contrib.auth.hashers import make_password
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from actions.tests.builders import make_action
from t2a.celery import app as celery_app
from t2a.models import (
    Invitation,
    MessageStatus,
    Notification,
    OutboundMessage,
    Reminder,
    Role,
    User,
)
from t2a.services import notifications
from tests.workers import _database_url

from .conftest import session_cookies
from .services import app_env, redeliver_unacked, wait_until

pytestmark = [pytest.mark.faults, pytest.mark.celery_worker]


def beat(task: str, broker_url: str | None = None) -> None:
    """Publish a periodic task, as beat would on its next tick."""
    with celery_app.connection_for_write(broker_url) as connection:
        celery_app.send_task(task, connection=connection, queue="celery")


def outbox_statuses() -> dict[str, int]:
    with scopes_disabled():
        rows = OutboundMessage.objects.values_list("status", flat=True)
        return {status: list(rows).count(status) for status in set(rows)}


def parsed(messages: list[str]) -> list[email.message.Message]:
    return [email.message_from_string(text) for text in messages]


def test_messages_queued_while_the_broker_is_down_go_out_once_it_is_back(
    celery_worker_process, private_redis, web_server, org, users, cycle, settings
):
    redis_url = private_redis.url()
    celery_worker_process.start(name="w", env={"REDIS_URL": redis_url})
    web = web_server(
        app_env(
            DATABASE_URL=_database_url(),
            REDIS_URL=redis_url,
            PRIVATE_FILES_DIR=settings.STORAGES["default"]["OPTIONS"]["location"],
        )
    )
    admin_cookies = session_cookies(users[Role.ADMIN])
    lead_cookies = session_cookies(users[Role.ENGAGEMENT_LEAD])
    governance_cookies = session_cookies(users[Role.GOVERNANCE])
    action = make_action(cycle, owner=users[Role.ENGAGEMENT_LEAD])
    members = reverse("members", args=[org.slug])
    inbox = reverse("notifications", args=[org.slug])

    # A browser holds the CSRF cookie from the page the form is on.
    admin_cookies["csrftoken"] = web.get(members, cookies=admin_cookies).cookies["csrftoken"]

    private_redis.stop()

    # An invitation, and an escalation that tells the cycle's governance member at once.
    invited = web.post(
        reverse("member_invite", args=[org.slug]),
        {"email": "priya@example.org", "role": Role.ENGAGEMENT_LEAD},
        cookies=admin_cookies,
    )
    assert invited.status == 302, web.log()[-3000:]
    admin_cookies |= invited.cookies  # the "queued" message travels in a cookie
    escalated = web.post(
        reverse("actions:escalation_create", args=[org.slug, action.pk]),
        {"reason": "The clinic room is not available in the evenings."},
        cookies=lead_cookies,
    )
    assert escalated.status == 302, web.log()[-3000:]
    assert web.log().count("Could not enqueue t2a.tasks.outbox_send") == 2

    # The pages say queued, never sent.
    page = web.get(members, cookies=admin_cookies).text
    assert "Invitation to priya@example.org queued" in page
    assert '<strong class="nhsuk-tag nhsuk-tag--grey">Queued</strong>' in page
    assert "Invitation sent" not in page
    page = web.get(inbox, cookies=governance_cookies).text
    assert 'Email: <strong class="nhsuk-tag nhsuk-tag--grey">Queued</strong>' in page
    assert outbox_statuses() == {MessageStatus.QUEUED: 2}
    assert celery_worker_process.emails() == []

    private_redis.start()  # back, and empty: the requests to send were lost with it
    beat("t2a.tasks.outbox_send", redis_url)  # beat's next minute
    sent = parsed(celery_worker_process.wait_for_emails(2, timeout=90))
    assert sorted(message["To"] for message in sent) == sorted(
        ["priya@example.org", users[Role.GOVERNANCE].email]
    )
    # More ticks find nothing more to send: each was delivered exactly once.
    beat("t2a.tasks.outbox_send", redis_url)
    beat("t2a.tasks.outbox_send", redis_url)
    celery_worker_process.wait_until_idle(redis_url)
    assert len(celery_worker_process.emails()) == 2
    assert outbox_statuses() == {MessageStatus.SENT: 2}
    with scopes_disabled():
        expected = {m.recipient: m.message_id for m in OutboundMessage.objects.all()}
    assert {m["To"]: m["Message-ID"] for m in sent} == expected
    assert '<strong class="nhsuk-tag nhsuk-tag--green">Sent</strong>' in (
        web.get(members, cookies=admin_cookies).text
    )
    assert 'Email: <strong class="nhsuk-tag nhsuk-tag--green">Sent</strong>' in (
        web.get(inbox, cookies=governance_cookies).text
    )


DUE = 400
KILLS = 3


def make_due_reminders(org, count: int) -> None:
    """`count` people, each with an invitation they sent that expires the day after
    tomorrow: one reminder due to each."""
    with scopes_disabled():
        people = User.objects.bulk_create(
            User(email=f"person{n}@example.org", password=make_password(None)) for n in range(count)
        )
        Invitation.objects.bulk_create(
            Invitation(
                organisation=org,
                email=f"invitee{n}@example.org",
                role=Role.GOVERNANCE,
                token_hash=f"kill-test-{n}",
                invited_by=person,
                expires_at=timezone.now() + timedelta(days=1.5),
            )
            for n, person in enumerate(people)
        )


def test_three_kills_mid_send_leave_no_one_with_two_different_copies(
    celery_worker_process, org, settings
):
    # The worker's lease is short so the test need not wait ten minutes for a row a dead
    # worker left "sending"; each send takes a little while so the kills land mid-send.
    worker_env = {"OUTBOX_LEASE_SECONDS": "2", "EMAIL_DELAY_SECONDS": "0.02"}
    broker = redis.Redis.from_url(django_settings.CELERY_BROKER_URL)
    make_due_reminders(org, DUE)
    assert notifications.reminder_sweep() == DUE
    # From now on every sweep also enqueues again whatever is claimed and undelivered (a
    # killed worker's batch), as it would once REMINDER_STALE_SECONDS had passed.
    settings.REMINDER_STALE_SECONDS = 0

    started = time.monotonic()
    worker = celery_worker_process.start(name="w0", concurrency=2, env=worker_env)
    for kill in range(1, KILLS + 1):
        wait_until(
            lambda kill=kill: len(celery_worker_process.emails()) >= kill * DUE // (KILLS + 1),
            timeout=120,
            what=f"sending to get under way before kill {kill}",
            interval=0.05,
        )
        celery_worker_process.kill(worker)
        # An hour on, Redis hands the dead worker's unacknowledged messages out again.
        redeliver_unacked(broker)
        worker = celery_worker_process.start(name=f"w{kill}", concurrency=2, env=worker_env)
        print(f"kill {kill} at {time.monotonic() - started:.1f}s")  # noqa: T201

    # Beat keeps ticking: the reminder sweep and the outbox sweep, until all is sent.
    def all_sent() -> bool:
        notifications.reminder_sweep()
        beat("t2a.tasks.outbox_send")
        return outbox_statuses() == {MessageStatus.SENT: DUE}

    wait_until(all_sent, timeout=180, what="every reminder to be sent", interval=1)
    print(f"all sent at {time.monotonic() - started:.1f}s")  # noqa: T201
    celery_worker_process.wait_until_idle()

    copies: dict[str, set[str]] = defaultdict(set)
    received = parsed(celery_worker_process.emails())
    for message in received:
        copies[message["To"]].add(message["Message-ID"])
    assert len(copies) == DUE  # all 400 people got their reminder
    different = {person: ids for person, ids in copies.items() if len(ids) > 1}
    assert different == {}  # nobody got two copies bearing different Message-IDs
    with scopes_disabled():
        assert Reminder.objects.filter(sent_at__isnull=False).count() == DUE
        assert Notification.objects.count() == DUE  # and one in-app notification each
    # Duplicates with the same Message-ID are possible (a kill after the mail server took
    # a message and before it was marked sent); the log of this run says how many.
    with scopes_disabled():
        resent = OutboundMessage.objects.filter(attempts__gt=1).count()
    print(f"{len(received)} emails for {DUE} reminders after {KILLS} kills; {resent} sent again")  # noqa: T201
