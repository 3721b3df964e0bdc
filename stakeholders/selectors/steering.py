"""Reads for steering groups: members, meetings and decisions, and who may read them.

Confidentiality (see "Confidentiality of steering-group records" in docs/DEVELOPING.md)
is decided here and nowhere else. A meeting's record (agenda, minutes, attendees) and each
decision carry a `Confidentiality` level:

- MEMBERS: read by the group's *record keepers* only: the cycle's engagement lead and the
  people who hold a seat on the group as members of the organisation (the chair among
  them). Not other community leads, governance members or admins.
- ORGANISATION and PUBLIC_SUMMARY: read by everyone who may open the cycle's steering
  group (`policies.can_view_steering_group` and a cycle they may see).
- Only PUBLIC_SUMMARY leaves the organisation (the PDF reports): `shareable_outside`.

Every page, report section, reminder and future API reads through `steering_access`,
`readable_meetings`, `readable_decisions` and `shareable_outside`: they take a membership
and a cycle or a queryset, never a request. That a meeting took place, and on which day,
is not confidential; what was said, who was there and what was decided may be.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from cycles.models import Cycle
from cycles.selectors.cycles import cycles_visible_to, get_cycle_for_request
from t2a.models import Membership, Organisation
from t2a.policies import STAFF_ROLES

from .. import policies
from ..models import (
    SYSTEM_SECTORS,
    Confidentiality,
    Sector,
    SteeringDecision,
    SteeringGroupMember,
    SteeringMeeting,
)

# Levels everyone who may open a cycle's steering group reads.
OPEN_LEVELS = frozenset({Confidentiality.ORGANISATION, Confidentiality.PUBLIC_SUMMARY})
ALL_LEVELS = frozenset(Confidentiality)
# What is said on a page in place of a record this reader may not read.
MEMBERS_ONLY_NOTE = "This record is for steering-group members only."


# --- confidentiality: the one rule --------------------------------------------------------


@dataclass(frozen=True)
class SteeringAccess:
    """What one member may read and decide of one cycle's steering-group records."""

    opens_group: bool = False  # may open the cycle's steering group at all
    keeps_record: bool = False  # the cycle's engagement lead, or holds a seat
    is_lead: bool = False
    is_chair: bool = False
    is_staff: bool = False

    @property
    def levels(self) -> frozenset[str]:
        if not self.opens_group:
            return frozenset()
        return ALL_LEVELS if self.keeps_record else OPEN_LEVELS

    def may_read(self, record: SteeringMeeting | SteeringDecision) -> bool:
        """May this member read the record's content (a meeting's agenda, minutes and
        attendees; a decision's text)?"""
        return record.confidentiality in self.levels

    @property
    def may_set_levels(self) -> bool:
        """The cycle's engagement lead and the group's chair decide who may read."""
        return self.opens_group and (self.is_lead or self.is_chair)

    @property
    def may_record(self) -> bool:
        """Record meetings and decisions: staff who keep the group's record. An admin
        who is not on the group would be writing a record they may not read back."""
        return self.opens_group and self.is_staff and self.keeps_record


def steering_access(*, membership: Membership, cycle: Cycle) -> SteeringAccess:
    """What `membership` may read of `cycle`'s steering group. One query."""
    if not policies.can_view_steering_group(membership):
        return SteeringAccess()
    seat = SteeringGroupMember.objects.filter(cycle=OuterRef("pk"), user_id=membership.user_id)
    found = (
        cycles_visible_to(membership)
        .filter(pk=cycle.pk)
        .annotate(chair=Subquery(seat.values("is_chair")[:1]))
        .values_list("lead_id", "chair")
        .first()
    )
    if found is None:
        return SteeringAccess()
    lead_id, chair = found
    is_lead = lead_id == membership.user_id
    return SteeringAccess(
        opens_group=True,
        keeps_record=is_lead or chair is not None,
        is_lead=is_lead,
        is_chair=bool(chair),
        is_staff=membership.role in STAFF_ROLES,
    )


def _readable(membership: Membership) -> Q:
    """The same rule as `SteeringAccess.levels`, as a filter over many cycles' records."""
    if not policies.can_view_steering_group(membership):
        return Q(pk__in=[])
    keeps_record = Q(cycle__lead_id=membership.user_id) | Q(
        Exists(
            SteeringGroupMember.objects.filter(cycle=OuterRef("cycle"), user_id=membership.user_id)
        )
    )
    return Q(cycle__in=cycles_visible_to(membership).values("pk")) & (
        Q(confidentiality__in=OPEN_LEVELS) | keeps_record
    )


def readable_meetings(
    *, membership: Membership, meetings: QuerySet[SteeringMeeting] | None = None
) -> QuerySet[SteeringMeeting]:
    """The meetings (of `meetings`, default all the organisation's) whose record
    `membership` may read."""
    meetings = SteeringMeeting.objects.all() if meetings is None else meetings
    return meetings.filter(_readable(membership))


def readable_decisions(
    *, membership: Membership, decisions: QuerySet[SteeringDecision] | None = None
) -> QuerySet[SteeringDecision]:
    """The decisions (of `decisions`, default all the organisation's) `membership` may read."""
    decisions = SteeringDecision.objects.all() if decisions is None else decisions
    return decisions.filter(_readable(membership))


def shareable_outside(records: QuerySet) -> QuerySet:
    """What of `records` (meetings or decisions) may leave the organisation: the PDF
    reports for boards and partners show nothing else."""
    return records.filter(confidentiality=Confidentiality.PUBLIC_SUMMARY)


def steering_record_keepers(*, cycles: list[Cycle]) -> dict[int, set[int]]:
    """{cycle id: ids of the users who read its members-only records}. One query."""
    keepers: dict[int, set[int]] = {c.pk: {c.lead_id} if c.lead_id else set() for c in cycles}
    for cycle_id, user_id in SteeringGroupMember.objects.filter(
        cycle_id__in=list(keepers), user__isnull=False
    ).values_list("cycle_id", "user_id"):
        keepers[cycle_id].add(user_id)
    return keepers


@dataclass
class Decisions:
    """Decisions a reader may read, and how many more there are that they may not."""

    shown: list[SteeringDecision]
    withheld: int = 0


# --- members, meetings and decisions, for pages ----------------------------------------------


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
    """The cycle's meetings, latest first, each with its number of decisions. Their dates
    and levels are not confidential; their records are (`SteeringAccess.may_read`)."""
    return list(
        SteeringMeeting.objects.filter(cycle=cycle)
        .annotate(decision_count=Count("decisions", distinct=True))
        .order_by("-held_on", "-pk")
    )


def get_steering_meeting_for_request(
    request: HttpRequest, cycle_pk: int, steering_meeting_pk: int
) -> SteeringMeeting:
    """A steering-group meeting of a cycle this member may see; 404 otherwise. Whether
    they may read its record is `steering_access(...).may_read(meeting)`."""
    cycle = get_cycle_for_request(request, cycle_pk)
    meeting = get_object_or_404(SteeringMeeting, pk=steering_meeting_pk, cycle=cycle)
    meeting.cycle = cycle
    return meeting


def get_steering_decision_for_request(
    request: HttpRequest, cycle_pk: int, steering_meeting_pk: int, steering_decision_pk: int
) -> SteeringDecision:
    """A decision of a meeting of a cycle this member may see; 404 otherwise."""
    meeting = get_steering_meeting_for_request(request, cycle_pk, steering_meeting_pk)
    decision = get_object_or_404(SteeringDecision, pk=steering_decision_pk, meeting=meeting)
    decision.meeting = meeting
    return decision


def meeting_decisions(*, meeting: SteeringMeeting, access: SteeringAccess) -> Decisions:
    decisions = list(meeting.decisions.order_by("pk"))
    shown = [d for d in decisions if access.may_read(d)]
    return Decisions(shown=shown, withheld=len(decisions) - len(shown))


def meeting_attendees(*, meeting: SteeringMeeting, access: SteeringAccess) -> list:
    """Who attended, for a reader of the meeting's record (nobody for anyone else)."""
    if not access.may_read(meeting):
        return []
    return list(meeting.attendees.select_related("stakeholder", "user"))


def steering_decisions(*, cycle: Cycle, access: SteeringAccess, limit: int) -> Decisions:
    """The cycle's latest decisions this reader may read, and how many others there are.
    Two queries."""
    decisions = SteeringDecision.objects.filter(cycle=cycle)
    shown = decisions.filter(confidentiality__in=access.levels).select_related("meeting")
    withheld = decisions.exclude(confidentiality__in=access.levels).count()
    return Decisions(shown=list(shown[:limit]), withheld=withheld)


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


def steering_record_shared_outside(*, cycle: Cycle) -> dict:
    """What the PDF reports (read by boards and partners outside the organisation) show of
    the group's record: the meetings held, and the decisions that may be summarised
    publicly, with how many others stay inside. Three queries."""
    decisions = SteeringDecision.objects.filter(cycle=cycle)
    shared = (
        shareable_outside(decisions).select_related("meeting").order_by("meeting__held_on", "pk")
    )
    return {
        "meetings_held": SteeringMeeting.objects.filter(cycle=cycle).count(),
        "decisions": [{"held_on": d.meeting.held_on.isoformat(), "text": d.text} for d in shared],
        "decisions_kept_inside": decisions.exclude(
            confidentiality=Confidentiality.PUBLIC_SUMMARY
        ).count(),
    }
