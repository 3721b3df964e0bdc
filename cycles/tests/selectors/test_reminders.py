"""Ethics-log review reminders (selectors/reminders.py): to the entry's owner, else the
cycle lead, once per date, linking to the cycle's ethics log."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django_scopes import scope, scopes_disabled

from cycles.models import EthicsLogEntry
from cycles.selectors.reminders import ethics_reviews_due
from cycles.tests.builders import make_cycle, make_ethics_entry
from t2a.models import Reminder, Role
from t2a.services import notifications

pytestmark = pytest.mark.django_db

REVIEW = date(2026, 4, 10)


def sweep(day: date, capture) -> int:
    with (
        time_machine.travel(
            datetime(day.year, day.month, day.day, 9, tzinfo=ZoneInfo("Europe/London")), tick=False
        ),
        capture(execute=True),
    ):
        return notifications.reminder_sweep()


def test_the_owner_is_told_on_the_review_date_and_only_once(
    org, users, cycle, django_capture_on_commit_callbacks
):
    make_ethics_entry(cycle, owner=users[Role.ADMIN], review_date=REVIEW)
    capture = django_capture_on_commit_callbacks
    assert sweep(date(2026, 4, 9), capture) == 0
    assert sweep(REVIEW, capture) == 1
    assert sweep(REVIEW, capture) == 0
    assert sweep(date(2026, 4, 11), capture) == 0
    assert [m.to for m in mail.outbox] == [[users[Role.ADMIN].email]]
    assert mail.outbox[0].subject.startswith("Ethics log review due")


def test_without_an_owner_the_cycle_lead_is_told(
    org, users, cycle, django_capture_on_commit_callbacks
):
    make_ethics_entry(cycle, review_date=REVIEW)
    assert sweep(REVIEW, django_capture_on_commit_callbacks) == 1
    assert mail.outbox[0].to == [users[Role.ENGAGEMENT_LEAD].email]


def test_a_new_review_date_reminds_again_and_closed_entries_never(
    org, users, cycle, django_capture_on_commit_callbacks
):
    entry = make_ethics_entry(cycle, owner=users[Role.ADMIN], review_date=REVIEW)
    closed = make_ethics_entry(cycle, owner=users[Role.ADMIN], review_date=REVIEW, status="closed")
    capture = django_capture_on_commit_callbacks
    assert sweep(REVIEW, capture) == 1
    with scopes_disabled():
        EthicsLogEntry.objects.filter(pk=entry.pk).update(review_date=date(2026, 7, 1))
        assert not Reminder.objects.filter(object_id=closed.pk, kind="ethics_review_due").exists()
    assert sweep(date(2026, 6, 30), capture) == 0
    assert sweep(date(2026, 7, 1), capture) == 1
    assert len(mail.outbox) == 2


def test_nobody_to_tell_sends_nothing(org, django_capture_on_commit_callbacks):
    cycle = make_cycle(org)
    make_ethics_entry(cycle, review_date=REVIEW)
    assert sweep(REVIEW, django_capture_on_commit_callbacks) == 0


def test_the_reminder_links_to_the_cycles_ethics_log(org, users, cycle):
    entry = make_ethics_entry(cycle, owner=users[Role.ADMIN], review_date=REVIEW)
    with scope(organisation=org.pk):
        (due,) = ethics_reviews_due(organisation=org, today=REVIEW)
    assert (due.obj.pk, due.recipient_id) == (entry.pk, users[Role.ADMIN].pk)
    assert due.url == f"/o/{org.slug}/cycles/{cycle.pk}/ethics/"
