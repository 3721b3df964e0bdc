"""`make run` shows reminders: seeding sends nothing, the first sweep climbs the ladder."""

from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django_scopes import scopes_disabled

from actions.models import Escalation
from actions.reminders import KIND
from t2a import notifications
from t2a.models import Reminder

pytestmark = pytest.mark.django_db


def test_seeding_sends_nothing_and_the_first_sweep_reminds(django_capture_on_commit_callbacks):
    # Tasks run eagerly in tests, so any email enqueued while seeding would be in the outbox.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=StringIO())
    assert mail.outbox == []
    with scopes_disabled():
        assert not Reminder.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        notifications.reminder_sweep()
    with scopes_disabled():
        ladder = sorted(
            (r.recipient.email, r.step)
            for r in Reminder.objects.filter(kind=KIND).select_related("recipient")
        )
        assert ladder == sorted(
            [
                ("lead@example.org", 0),  # owns the listening training, 15 days overdue
                ("governance@example.org", 2),
                ("community@example.org", 0),  # owns interpreters, 8 days overdue
                ("lead@example.org", 1),
            ]
        )
        assert Escalation.objects.filter(update_due_on__isnull=False).count() == 1
    assert {m.to[0] for m in mail.outbox} >= {
        "lead@example.org",
        "community@example.org",
        "governance@example.org",
    }

    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=StringIO())  # idempotent: nothing new is due
        assert notifications.reminder_sweep() == 0
