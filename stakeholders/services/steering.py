"""Writes for steering groups: seats, meetings and decisions."""

from collections.abc import Iterable
from datetime import date, time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from cycles.models import Cycle
from cycles.services.versions import cycle_changed
from t2a.models import User

from ..models import (
    Confidentiality,
    Stakeholder,
    SteeringDecision,
    SteeringGroupMember,
    SteeringMeeting,
)
from ..selectors.steering import SteeringAccess


def steering_member_add(
    *,
    cycle: Cycle,
    sector: str,
    role: str = "",
    stakeholder: Stakeholder | None = None,
    user: User | None = None,
    is_chair: bool = False,
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
        is_chair=is_chair,
    )
    member.full_clean()
    try:
        with transaction.atomic():
            member.save()
            cycle_changed(cycle)
    except IntegrityError as exc:
        # Two people adding the same person (or a chair) at once: the constraints decide.
        raise ValidationError(
            "The steering group already has a chair."
            if is_chair
            else "This person is already on the steering group."
        ) from exc
    return member


@transaction.atomic
def steering_member_remove(*, member: SteeringGroupMember) -> None:
    cycle_id = member.cycle_id
    member.delete()
    cycle_changed(cycle_id)


@transaction.atomic
def steering_chair_set(*, member: SteeringGroupMember) -> SteeringGroupMember:
    """Make `member` the group's chair, in place of any other."""
    SteeringGroupMember.objects.filter(cycle_id=member.cycle_id, is_chair=True).exclude(
        pk=member.pk
    ).update(is_chair=False)
    member.is_chair = True
    member.save(update_fields=["is_chair"])
    cycle_changed(member.cycle_id)
    return member


def _check_level(level: str, access: SteeringAccess) -> None:
    if level not in Confidentiality.values:
        raise ValidationError({"confidentiality": "Choose who may read this record."})
    if not access.may_set_levels:
        raise PermissionDenied


@transaction.atomic
def steering_meeting_save(
    *,
    cycle: Cycle,
    held_on: date,
    starts_at: time | None,
    agenda: str,
    minutes: str,
    attendees: Iterable[SteeringGroupMember],
    access: SteeringAccess,
    meeting: SteeringMeeting | None = None,
    confidentiality: str | None = None,
) -> SteeringMeeting:
    """Record a meeting, or change one. `confidentiality` (only from those who may set
    it) defaults to the model's: steering-group members only."""
    if not access.may_record or (meeting is not None and not access.may_read(meeting)):
        raise PermissionDenied
    attendees = list(attendees)
    if any(a.cycle_id != cycle.pk for a in attendees):
        raise ValidationError({"attendees": "Choose attendees from this steering group."})
    meeting = meeting or SteeringMeeting(organisation_id=cycle.organisation_id, cycle=cycle)
    if confidentiality is not None:
        _check_level(confidentiality, access)
        meeting.confidentiality = confidentiality
    meeting.held_on, meeting.starts_at = held_on, starts_at
    meeting.agenda, meeting.minutes = agenda, minutes
    meeting.full_clean()
    meeting.save()
    meeting.attendees.set(attendees)
    cycle_changed(cycle)
    return meeting


@transaction.atomic
def steering_decision_record(
    *,
    meeting: SteeringMeeting,
    text: str,
    access: SteeringAccess,
    confidentiality: str | None = None,
) -> SteeringDecision:
    if not access.may_record:
        raise PermissionDenied
    decision = SteeringDecision(
        organisation_id=meeting.organisation_id,
        meeting=meeting,
        cycle_id=meeting.cycle_id,
        text=text.strip(),
    )
    if confidentiality is not None:
        _check_level(confidentiality, access)
        decision.confidentiality = confidentiality
    decision.full_clean()
    decision.save()
    cycle_changed(meeting.cycle_id)
    return decision


@transaction.atomic
def steering_confidentiality_set(
    *, record: SteeringMeeting | SteeringDecision, level: str, access: SteeringAccess
) -> None:
    """Change who may read a meeting's record or a decision (the cycle's engagement lead
    or the group's chair)."""
    _check_level(level, access)
    record.confidentiality = level
    record.save(update_fields=["confidentiality"])
    cycle_changed(record.cycle_id)
