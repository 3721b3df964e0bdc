"""Reminder sources for the periodic sweep (registered in registrations.py): community-lead
check-ins falling due, commitments falling due and steering-group meetings tomorrow."""

from collections.abc import Iterator
from datetime import date, timedelta

from django.urls import reverse

from t2a.models import Membership, Organisation
from t2a.selectors import Due

from .conversations import commitments_due_between
from .preparation import checkins_due
from .steering import steering_meetings_between, steering_record_keepers


def _members(organisation: Organisation) -> set[int]:
    return set(
        Membership.objects.filter(organisation=organisation).values_list("user_id", flat=True)
    )


def checkins_due_reminders(*, organisation: Organisation, today: date) -> Iterator[Due]:
    """Remind staff when a community lead's next check-in is due (or overdue, unheld).

    The reminder goes to whoever held the last check-in and to the cycle's engagement lead.
    It names the lead and the cycle but never carries the notes, which stay private.
    Each (check-in, due date, recipient) is sent once: a rescheduled check-in has a new
    due date and is reminded again.
    """
    for checkin in checkins_due(organisation=organisation, on_or_before=today):
        recipients = dict.fromkeys([checkin.held_by_id, checkin.cycle.lead_id])
        recipients.pop(None, None)
        url = reverse(
            "stakeholders:lead_preparation",
            args=[organisation.slug, checkin.cycle_id, checkin.community_lead_id],
        )
        overdue = checkin.next_due_on < today
        for recipient_id in recipients:
            yield Due(
                kind="checkin_due",
                obj=checkin,
                due_date=checkin.next_due_on,
                recipient_id=recipient_id,
                title=f"{'Overdue' if overdue else 'Due'}: check-in with {checkin.community_lead}",
                body=(
                    f"The next check-in with {checkin.community_lead} for "
                    f"{checkin.cycle.title} was due on {checkin.next_due_on:%-d %B %Y}. "
                    "Record it on their preparation page."
                    if overdue
                    else f"The next check-in with {checkin.community_lead} for "
                    f"{checkin.cycle.title} is due today. Record it on their preparation page."
                ),
                url=url,
            )


def commitments_due(*, organisation: Organisation, today: date) -> list[Due]:
    """Tell a commitment's owner when its due date has come and it is still open.

    Due on the commitment's due date, so it reminds once; a commitment kept or marked
    broken before then is never reminded. Two queries.
    """
    commitments = list(
        commitments_due_between(organisation=organisation, start=date.min, end=today)
        .select_related(None)
        .select_related("made_to")
        .only("pk", "promise", "owner_id", "due_on", "conversation_id", "made_to__name")
    )
    if not commitments:
        return []
    members = _members(organisation)
    return [
        Due(
            kind="commitment_due",
            obj=commitment,
            due_date=commitment.due_on,
            recipient_id=commitment.owner_id,
            title=f"Promise {'due today' if commitment.due_on == today else 'overdue'}: "
            f"{commitment.promise[:80]}",
            body=f"You promised {commitment.made_to.name} \u2018{commitment.promise[:300]}\u2019 "
            f"by {commitment.due_on:%-d %B %Y}. Record whether it was kept; if it cannot be "
            "kept, say so and why: a promise explained builds more trust than one forgotten.",
            url=reverse(
                "stakeholders:conversation_detail",
                args=[organisation.slug, commitment.conversation_id],
            ),
        )
        for commitment in commitments
        if commitment.owner_id in members
    ]


def steering_meetings_tomorrow(*, organisation: Organisation, today: date) -> list[Due]:
    """Tell the people who keep the group's record (the cycle's engagement lead and the
    members on its steering group) the day before a steering-group meeting. The message
    names the day and links to the meeting; the agenda stays on the page, which shows it
    only to those who may read it. Three queries."""
    tomorrow = today + timedelta(days=1)
    meetings = list(
        steering_meetings_between(organisation=organisation, start=tomorrow, end=tomorrow)
        .select_related(None)
        .select_related("cycle")
        .only("pk", "cycle_id", "held_on", "starts_at", "cycle__title", "cycle__lead_id")
    )
    if not meetings:
        return []
    keepers = steering_record_keepers(cycles=[m.cycle for m in meetings])
    members = _members(organisation)
    dues = []
    for meeting in meetings:
        url = reverse(
            "stakeholders:steering_meeting", args=[organisation.slug, meeting.cycle_id, meeting.pk]
        )
        at = f" at {meeting.starts_at:%H:%M}" if meeting.starts_at else ""
        for user_id in sorted(keepers[meeting.cycle_id]):
            if user_id not in members:
                continue
            dues.append(
                Due(
                    kind="steering_meeting_tomorrow",
                    obj=meeting,
                    due_date=meeting.held_on,
                    recipient_id=user_id,
                    title=f"Steering group meets tomorrow{at}: {meeting.cycle.title}",
                    body=f"The steering group of {meeting.cycle.title} meets on "
                    f"{meeting.held_on:%A %-d %B %Y}{at}. The agenda is on the meeting's page.",
                    url=url,
                )
            )
    return dues
