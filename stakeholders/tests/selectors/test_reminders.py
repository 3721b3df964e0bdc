"""The stakeholders app's reminder sources (selectors/reminders.py): check-ins, commitments
and steering-group meetings falling due."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from cycles.tests.builders import make_cycle
from stakeholders.models import Commitment
from stakeholders.selectors.preparation import checkins_due
from stakeholders.selectors.reminders import checkins_due_reminders
from stakeholders.tests.builders import (
    make_checkin,
    make_commitment,
    make_conversation,
    make_meeting,
    make_stakeholder,
    make_steering_member,
)
from t2a.models import Notification, Reminder, Role
from t2a.services import notifications
from tests.cast import make_member

NOTES = "Private: struggling with childcare this month."


@pytest.fixture
def setting(org, users):
    lead = users[Role.COMMUNITY_LEAD]
    cycle = make_cycle(org, "Maternity", lead=users[Role.ENGAGEMENT_LEAD], community_leads=(lead,))
    return cycle, lead


DUE = date(2026, 5, 6)


def sweep(day: date, capture) -> int:
    moment = datetime(day.year, day.month, day.day, 9, tzinfo=ZoneInfo("Europe/London"))
    with time_machine.travel(moment, tick=False), capture(execute=True):
        return notifications.reminder_sweep()


@pytest.mark.django_db
def test_a_due_check_in_is_reminded_once_to_who_held_it_and_the_cycle_lead(
    org, users, setting, django_capture_on_commit_callbacks
):
    cycle, lead = setting
    today = timezone.localdate()
    make_checkin(
        cycle,
        lead,
        users[Role.ADMIN],
        held_on=today - timedelta(28),
        next_due_on=today,
        notes=NOTES,
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.reminder_sweep() == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.reminder_sweep() == 0
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [users[Role.ADMIN].email, users[Role.ENGAGEMENT_LEAD].email]
    )
    assert all(m.subject == f"Due: check-in with {lead}" for m in mail.outbox)
    assert all(NOTES not in m.body for m in mail.outbox)
    with scopes_disabled():
        assert Reminder.objects.filter(kind="checkin_due", sent_at__isnull=False).count() == 2
        notification = Notification.objects.filter(recipient=users[Role.ADMIN]).get()
    assert notification.url == (
        f"/o/{org.slug}/stakeholders/cycles/{cycle.pk}/preparation/leads/{lead.pk}/"
    )
    assert NOTES not in notification.body


@pytest.mark.django_db
def test_not_yet_due_sends_nothing_and_overdue_says_so(
    org, users, setting, django_capture_on_commit_callbacks
):
    cycle, lead = setting
    today = timezone.localdate()
    make_checkin(
        cycle, lead, users[Role.ENGAGEMENT_LEAD], held_on=today, next_due_on=today + timedelta(1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.reminder_sweep() == 0
    assert notifications.reminder_sweep(today=today + timedelta(3)) == 1
    with scope(organisation=org.pk):
        [due] = checkins_due_reminders(organisation=org, today=today + timedelta(3))
    assert due.title == f"Overdue: check-in with {lead}"
    assert due.recipient_id == users[Role.ENGAGEMENT_LEAD].pk


@pytest.mark.django_db
def test_a_later_check_in_answers_the_earlier_due_date(org, users, setting):
    cycle, lead = setting
    today = timezone.localdate()
    staff = users[Role.ENGAGEMENT_LEAD]
    make_checkin(
        cycle, lead, staff, held_on=today - timedelta(40), next_due_on=today - timedelta(12)
    )
    later = make_checkin(
        cycle, lead, staff, held_on=today - timedelta(10), next_due_on=today + timedelta(18)
    )
    with scope(organisation=org.pk):
        assert list(checkins_due(organisation=org, on_or_before=today)) == []
        assert list(checkins_due(organisation=org, on_or_before=today + timedelta(18))) == [later]


@pytest.mark.django_db
def test_no_reminders_for_former_leads_closed_cycles_or_the_final_check_in(org, users, setting):
    cycle, lead = setting
    today = timezone.localdate()
    staff = users[Role.ENGAGEMENT_LEAD]
    other = make_member(org, Role.COMMUNITY_LEAD, "former@northgate.example.org")
    make_checkin(cycle, other, staff, held_on=today - timedelta(30), next_due_on=today)
    closed = make_cycle(org, "Closed", status="closed", community_leads=(lead,))
    make_checkin(closed, lead, staff, held_on=today - timedelta(30), next_due_on=today)
    make_checkin(cycle, lead, staff, held_on=today - timedelta(30), next_due_on=None)
    with scope(organisation=org.pk):
        assert list(checkins_due(organisation=org, on_or_before=today)) == []
    with scopes_disabled():
        cycle.community_leads.add(other)
    with scope(organisation=org.pk):
        assert [c.community_lead for c in checkins_due(organisation=org, on_or_before=today)] == [
            other
        ]


@pytest.mark.django_db
def test_the_due_list_stays_in_its_organisation(org, other_org, users, setting, outsider):
    cycle, lead = setting
    today = timezone.localdate()
    make_checkin(cycle, lead, users[Role.ADMIN], held_on=today - timedelta(3), next_due_on=today)
    theirs_lead = make_member(other_org, Role.COMMUNITY_LEAD, "theirs@southfield.example.org")
    theirs = make_cycle(other_org, "Theirs", community_leads=(theirs_lead,))
    make_checkin(theirs, theirs_lead, outsider, held_on=today - timedelta(3), next_due_on=today)
    with scope(organisation=other_org.pk):
        [due] = checkins_due(organisation=other_org, on_or_before=today)
    assert due.cycle == theirs


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
