"""Commitment and steering-meeting reminders from stakeholders.commitment_reminders."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django_scopes import scopes_disabled

from cycles.tests.builders import make_cycle
from stakeholders.models import Commitment
from t2a import notifications
from t2a.models import Role

from .builders import (
    make_commitment,
    make_conversation,
    make_meeting,
    make_stakeholder,
    make_steering_member,
)

pytestmark = pytest.mark.django_db

DUE = date(2026, 5, 6)


def sweep(day: date, capture) -> int:
    moment = datetime(day.year, day.month, day.day, 9, tzinfo=ZoneInfo("Europe/London"))
    with time_machine.travel(moment, tick=False), capture(execute=True):
        return notifications.reminder_sweep()


def test_an_open_commitment_reminds_its_owner_on_its_due_date_once(
    org, users, django_capture_on_commit_callbacks
):
    lead = users[Role.ENGAGEMENT_LEAD]
    conversation = make_conversation(org, lead, held_on=date(2026, 4, 1))
    make_commitment(conversation, lead, DUE, promise="Send the clinic times in Somali")
    capture = django_capture_on_commit_callbacks
    assert sweep(date(2026, 5, 5), capture) == 0
    assert sweep(DUE, capture) == 1
    assert sweep(date(2026, 5, 7), capture) == 0
    [email] = mail.outbox
    assert email.to == [lead.email]
    assert "Promise due today: Send the clinic times in Somali" in email.subject
    assert "Conversation partner" in email.body


def test_kept_or_broken_commitments_send_nothing(org, users, django_capture_on_commit_callbacks):
    lead = users[Role.ENGAGEMENT_LEAD]
    conversation = make_conversation(org, lead, held_on=date(2026, 4, 1))
    make_commitment(conversation, lead, DUE, kept_on=date(2026, 5, 2))
    make_commitment(
        conversation, lead, DUE, broken_on=date(2026, 5, 3), broken_reason="Venue closed"
    )
    assert sweep(DUE, django_capture_on_commit_callbacks) == 0
    with scopes_disabled():
        assert Commitment.objects.count() == 2


def test_steering_meeting_tomorrow_tells_the_lead_and_member_seats(
    org, users, django_capture_on_commit_callbacks
):
    lead = users[Role.ENGAGEMENT_LEAD]
    cycle = make_cycle(org, lead=lead)
    make_steering_member(cycle, "community", user=users[Role.COMMUNITY_LEAD])
    make_steering_member(cycle, "nhs", user=lead)  # the lead also holds a seat: told once
    make_steering_member(cycle, "vcse", stakeholder=make_stakeholder(org, "Faith forum"))
    make_meeting(cycle, held_on=DUE, starts_at=time(18, 30))
    capture = django_capture_on_commit_callbacks
    assert sweep(date(2026, 5, 4), capture) == 0
    assert sweep(date(2026, 5, 5), capture) == 2
    assert sweep(date(2026, 5, 5), capture) == 0
    assert sweep(DUE, capture) == 0
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [lead.email, users[Role.COMMUNITY_LEAD].email]
    )
    assert "Steering group meets tomorrow at 18:30" in mail.outbox[0].subject


def test_a_board_member_on_the_steering_group_can_open_the_meeting_reminder_link(
    org, users, client_for, django_capture_on_commit_callbacks
):
    board = users[Role.GOVERNANCE]
    cycle = make_cycle(org, governance_members=(board,))
    make_steering_member(cycle, "nhs", user=board)
    meeting = make_meeting(cycle, held_on=DUE, starts_at=time(18, 30))
    assert sweep(date(2026, 5, 5), django_capture_on_commit_callbacks) == 1

    (message,) = [m for m in mail.outbox if m.to == [board.email]]
    path = f"/o/{org.slug}/stakeholders/cycles/{cycle.pk}/steering/meetings/{meeting.pk}/"
    assert path in message.body
    response = client_for(board).get(path)
    assert response.status_code == 200
    assert b"<form" not in response.content.split(b"<main", 1)[1]  # read-only for the board
