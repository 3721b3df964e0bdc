"""Reads for steering groups: members, meetings and decisions."""

from datetime import date

from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from cycles.models import Cycle
from cycles.selectors.cycles import get_cycle_for_request
from t2a.models import Organisation

from ..models import (
    SYSTEM_SECTORS,
    Sector,
    SteeringDecision,
    SteeringGroupMember,
    SteeringMeeting,
)


def steering_group_is_formed(sectors: set[str]) -> bool:
    """A community member, and members from at least two of VCSE / NHS / local authority."""
    return Sector.COMMUNITY in sectors and len(SYSTEM_SECTORS & sectors) >= 2


def steering_members(*, cycle: Cycle) -> list[SteeringGroupMember]:
    return list(
        SteeringGroupMember.objects.filter(cycle=cycle).select_related("stakeholder", "user")
    )


def get_steering_member_for_request(
    request: HttpRequest, cycle_pk: int, steering_member_pk: int
) -> SteeringGroupMember:
    """A seat on the steering group of a cycle this member may see; 404 otherwise."""
    cycle = get_cycle_for_request(request, cycle_pk)
    member = get_object_or_404(
        SteeringGroupMember.objects.select_related("stakeholder", "user"),
        pk=steering_member_pk,
        cycle=cycle,
    )
    member.cycle = cycle
    return member


def steering_meetings(*, cycle: Cycle) -> list[SteeringMeeting]:
    """The cycle's meetings, latest first, each with its number of decisions."""
    return list(
        SteeringMeeting.objects.filter(cycle=cycle)
        .annotate(decision_count=Count("decisions", distinct=True))
        .order_by("-held_on", "-pk")
    )


def get_steering_meeting_for_request(
    request: HttpRequest, cycle_pk: int, steering_meeting_pk: int
) -> SteeringMeeting:
    """A steering-group meeting of a cycle this member may see; 404 otherwise."""
    cycle = get_cycle_for_request(request, cycle_pk)
    meeting = get_object_or_404(SteeringMeeting, pk=steering_meeting_pk, cycle=cycle)
    meeting.cycle = cycle
    return meeting


def meeting_decisions(*, meeting: SteeringMeeting) -> list[SteeringDecision]:
    return list(meeting.decisions.order_by("pk"))


def meeting_attendees(*, meeting: SteeringMeeting) -> list[SteeringGroupMember]:
    return list(meeting.attendees.select_related("stakeholder", "user"))


def steering_decisions(*, cycle: Cycle, limit: int | None = None) -> QuerySet[SteeringDecision]:
    decisions = SteeringDecision.objects.filter(cycle=cycle).select_related("meeting")
    return decisions[:limit] if limit else decisions


def steering_meetings_between(
    *, organisation: Organisation, start: date, end: date, cycle: Cycle | None = None
) -> QuerySet[SteeringMeeting]:
    """Steering-group meetings held (or planned) from `start` to `end`, inclusive."""
    meetings = SteeringMeeting.objects.filter(
        organisation=organisation, held_on__gte=start, held_on__lte=end
    )
    if cycle is not None:
        meetings = meetings.filter(cycle=cycle)
    return meetings.select_related("cycle")
