"""Writes for steering groups: seats, meetings and decisions."""

from collections.abc import Iterable
from datetime import date, time

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from cycles.models import Cycle
from t2a.models import User

from ..models import Stakeholder, SteeringDecision, SteeringGroupMember, SteeringMeeting


def steering_member_add(
    *,
    cycle: Cycle,
    sector: str,
    role: str = "",
    stakeholder: Stakeholder | None = None,
    user: User | None = None,
) -> SteeringGroupMember:
    if (stakeholder is None) == (user is None):
        raise ValidationError("Choose either a stakeholder or a member of your organisation.")
    member = SteeringGroupMember(
        organisation_id=cycle.organisation_id,
        cycle=cycle,
        stakeholder=stakeholder,
        user=user,
        sector=sector,
        role=role.strip(),
    )
    member.full_clean()
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError as exc:
        # Two people adding the same person at once: the unique constraint decides.
        raise ValidationError("This person is already on the steering group.") from exc
    return member


def steering_member_remove(*, member: SteeringGroupMember) -> None:
    member.delete()


@transaction.atomic
def steering_meeting_save(
    *,
    cycle: Cycle,
    held_on: date,
    starts_at: time | None,
    agenda: str,
    minutes: str,
    attendees: Iterable[SteeringGroupMember],
    meeting: SteeringMeeting | None = None,
) -> SteeringMeeting:
    attendees = list(attendees)
    if any(a.cycle_id != cycle.pk for a in attendees):
        raise ValidationError({"attendees": "Choose attendees from this steering group."})
    meeting = meeting or SteeringMeeting(organisation_id=cycle.organisation_id, cycle=cycle)
    meeting.held_on, meeting.starts_at = held_on, starts_at
    meeting.agenda, meeting.minutes = agenda, minutes
    meeting.full_clean()
    meeting.save()
    meeting.attendees.set(attendees)
    return meeting


def steering_decision_record(*, meeting: SteeringMeeting, text: str) -> SteeringDecision:
    decision = SteeringDecision(
        organisation_id=meeting.organisation_id,
        meeting=meeting,
        cycle_id=meeting.cycle_id,
        text=text.strip(),
    )
    decision.full_clean()
    decision.save()
    return decision
