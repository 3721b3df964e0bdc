"""Reminder sources for commitments and steering-group meetings (see REMINDER_SOURCES).

Kept apart from `reminders.py` (community-lead check-ins) so each source reads on its own.
"""

from datetime import date, timedelta

from django.urls import reverse

from t2a.models import Membership, Organisation
from t2a.notifications import Due

from .models import SteeringGroupMember
from .selectors import commitments_due_between, steering_meetings_between


def _members(organisation: Organisation) -> set[int]:
    return set(
        Membership.objects.filter(organisation=organisation).values_list("user_id", flat=True)
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
    conversation_url = reverse("stakeholders:conversation_detail", args=[organisation.slug, 0])
    conversation_url = conversation_url[: -len("0/")]
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
            url=f"{conversation_url}{commitment.conversation_id}/",
        )
        for commitment in commitments
        if commitment.owner_id in members
    ]


def steering_meetings_tomorrow(*, organisation: Organisation, today: date) -> list[Due]:
    """Tell the cycle's engagement lead and the members on its steering group the day
    before a steering-group meeting. Three queries."""
    tomorrow = today + timedelta(days=1)
    meetings = list(
        steering_meetings_between(organisation=organisation, start=tomorrow, end=tomorrow)
        .select_related(None)
        .select_related("cycle")
        .only("pk", "cycle_id", "held_on", "starts_at", "cycle__title", "cycle__lead_id")
    )
    if not meetings:
        return []
    seats: dict[int, list[int]] = {}
    for cycle_id, user_id in SteeringGroupMember.objects.filter(
        cycle_id__in={m.cycle_id for m in meetings}, user__isnull=False
    ).values_list("cycle_id", "user_id"):
        seats.setdefault(cycle_id, []).append(user_id)
    members = _members(organisation)
    dues = []
    for meeting in meetings:
        url = reverse(
            "stakeholders:steering_meeting", args=[organisation.slug, meeting.cycle_id, meeting.pk]
        )
        at = f" at {meeting.starts_at:%H:%M}" if meeting.starts_at else ""
        recipients = dict.fromkeys([meeting.cycle.lead_id, *seats.get(meeting.cycle_id, [])])
        for user_id in recipients:
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
