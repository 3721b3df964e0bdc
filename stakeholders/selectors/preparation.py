"""Reads for community-lead preparation (stage 2): agreements, training and check-ins, each
filtered by who is asking."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, Max, OuterRef, Prefetch, QuerySet, Subquery
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from cycles.models import Cycle, CycleStatus
from cycles.selectors.cycles import CYCLE_LABEL_FIELDS, cycles_visible_to, get_cycle_for_request
from t2a.models import Membership, Organisation, Role, User
from t2a.policies import STAFF_ROLES

from .. import policies
from ..models import CheckIn, RoleAgreement, TrainingAttendance, TrainingRecord


@dataclass
class LeadPreparation:
    """One community lead's preparation for one cycle, without any check-in notes."""

    lead: User
    agreement: RoleAgreement | None = None
    training_count: int = 0
    last_trained_on: date | None = None
    checkin_count: int = 0
    last_checkin_on: date | None = None
    next_checkin_due: date | None = None

    @property
    def agreement_confirmed(self) -> bool:
        return self.agreement is not None and self.agreement.is_confirmed

    @property
    def is_prepared(self) -> bool:
        """The readiness rule: a confirmed agreement and at least one training record."""
        return self.agreement_confirmed and self.training_count > 0

    def checkin_overdue(self, today: date) -> bool:
        return self.next_checkin_due is not None and self.next_checkin_due < today


def community_leads_of(*, cycle: Cycle) -> list[User]:
    return list(cycle.community_leads.order_by("full_name", "email", "pk"))


def get_community_lead_for_request(request: HttpRequest, cycle: Cycle, community_lead_pk: int):
    """A community lead of `cycle` (a cycle fetched for this request) whose preparation this
    member may see; 404 otherwise."""
    if not policies.can_see_lead_details(request.membership, community_lead_pk):
        raise Http404("Not your preparation record.")
    return get_object_or_404(cycle.community_leads.all(), pk=community_lead_pk)


def latest_checkins(checkins: QuerySet[CheckIn]) -> QuerySet[CheckIn]:
    """The latest check-in per (cycle, community lead) among `checkins`."""
    latest = (
        CheckIn.objects.filter(cycle=OuterRef("cycle"), community_lead=OuterRef("community_lead"))
        .order_by("-held_on", "-pk")
        .values("pk")[:1]
    )
    return checkins.filter(pk=Subquery(latest))


def preparation_rows(*, cycle: Cycle, leads: list[User]) -> list[LeadPreparation]:
    """Each lead's agreement, training and check-in dates for `cycle` (four queries).

    Training counts wherever it happened in the organisation: it belongs to the person.
    """
    ids = [lead.pk for lead in leads]
    rows = {lead.pk: LeadPreparation(lead=lead) for lead in leads}
    if not ids:
        return []
    for agreement in RoleAgreement.objects.filter(cycle=cycle, community_lead__in=ids):
        rows[agreement.community_lead_id].agreement = agreement
    for row in (
        TrainingAttendance.objects.filter(community_lead__in=ids)
        .order_by()
        .values("community_lead_id")
        .annotate(n=Count("pk"), last=Max("training__held_on"))
    ):
        rows[row["community_lead_id"]].training_count = row["n"]
        rows[row["community_lead_id"]].last_trained_on = row["last"]
    checkins = CheckIn.objects.filter(cycle=cycle, community_lead__in=ids)
    for row in checkins.order_by().values("community_lead_id").annotate(n=Count("pk")):
        rows[row["community_lead_id"]].checkin_count = row["n"]
    for row in latest_checkins(checkins).values("community_lead_id", "held_on", "next_due_on"):
        rows[row["community_lead_id"]].last_checkin_on = row["held_on"]
        rows[row["community_lead_id"]].next_checkin_due = row["next_due_on"]
    return list(rows.values())


@dataclass(frozen=True)
class PreparationCounts:
    """What governance sees of a cycle's preparation: numbers, never names or notes."""

    leads: int
    agreed: int
    trained: int
    prepared: int
    checkins: int
    overdue: int


def preparation_counts(rows: list[LeadPreparation], *, today: date) -> PreparationCounts:
    return PreparationCounts(
        leads=len(rows),
        agreed=sum(r.agreement_confirmed for r in rows),
        trained=sum(r.training_count > 0 for r in rows),
        prepared=sum(r.is_prepared for r in rows),
        checkins=sum(r.checkin_count for r in rows),
        overdue=sum(r.checkin_overdue(today) for r in rows),
    )


def agreements_visible_to(membership: Membership) -> QuerySet[RoleAgreement]:
    """Staff: every agreement; a community lead: their own; anyone else: none."""
    agreements = RoleAgreement.objects.filter(organisation=membership.organisation_id)
    if membership.role in STAFF_ROLES:
        return agreements
    if membership.role == Role.COMMUNITY_LEAD:
        return agreements.filter(community_lead=membership.user_id)
    return agreements.none()


def get_role_agreement_for_request(
    request: HttpRequest, cycle_pk: int, agreement_pk: int
) -> RoleAgreement:
    """An agreement of a cycle this member may see, if it is one they may read (a community
    lead finds only their own); 404 otherwise."""
    cycle = get_cycle_for_request(request, cycle_pk)
    agreement = get_object_or_404(
        agreements_visible_to(request.membership).select_related("community_lead"),
        pk=agreement_pk,
        cycle=cycle,
    )
    agreement.cycle = cycle
    return agreement


def lead_agreement(*, membership: Membership, cycle: Cycle, lead: User) -> RoleAgreement | None:
    """The lead's agreement for `cycle`, if this member may read it."""
    return (
        agreements_visible_to(membership)
        .filter(cycle=cycle, community_lead=lead)
        .select_related("lead_confirmed_by")
        .first()
    )


def role_agreement_of(*, cycle: Cycle, lead: User) -> RoleAgreement | None:
    """The lead's agreement for `cycle`, for staff who edit it."""
    return RoleAgreement.objects.filter(cycle=cycle, community_lead=lead).first()


def checkins_visible_to(membership: Membership) -> QuerySet[CheckIn]:
    """The check-ins (with their private notes) this member may read: staff all of them,
    a community lead their own, governance none."""
    checkins = CheckIn.objects.filter(organisation=membership.organisation_id)
    if membership.role in STAFF_ROLES:
        return checkins
    if membership.role == Role.COMMUNITY_LEAD:
        return checkins.filter(community_lead=membership.user_id)
    return checkins.none()


def lead_checkins(
    *, membership: Membership, cycle: Cycle, lead: User, limit: int = 100
) -> list[CheckIn]:
    """The lead's latest check-ins in `cycle`, if this member may read them."""
    return list(
        checkins_visible_to(membership)
        .filter(cycle=cycle, community_lead=lead)
        .select_related("held_by")
        .order_by("-held_on", "-pk")[:limit]
    )


def get_checkin_for_request(request: HttpRequest, cycle_pk: int, checkin_pk: int) -> CheckIn:
    """A check-in in a cycle this member may see, if they may read its notes; 404
    otherwise."""
    cycle = get_cycle_for_request(request, cycle_pk)
    checkin = get_object_or_404(
        checkins_visible_to(request.membership).select_related("community_lead"),
        pk=checkin_pk,
        cycle=cycle,
    )
    checkin.cycle = cycle
    return checkin


def get_training_record_for_request(
    request: HttpRequest, cycle_pk: int, training_pk: int
) -> TrainingRecord:
    """A training session recorded in a cycle this member may see; 404 otherwise."""
    cycle = get_cycle_for_request(request, cycle_pk)
    training = get_object_or_404(
        TrainingRecord.objects.select_related("topic"), pk=training_pk, cycle=cycle
    )
    training.cycle = cycle
    return training


def training_attended(*, community_lead_id: int, limit: int | None = None) -> list[TrainingRecord]:
    """Training sessions the lead attended, in any of the organisation's cycles (one query)."""
    records = (
        TrainingRecord.objects.filter(
            pk__in=TrainingAttendance.objects.filter(community_lead=community_lead_id).values(
                "training_id"
            )
        )
        .select_related("topic", "cycle")
        .order_by("-held_on", "-pk")
    )
    return list(records[:limit] if limit else records)


def training_for_cycle(*, cycle: Cycle, limit: int = 50) -> list[TrainingRecord]:
    """The cycle's latest training sessions, each with its attendees (two queries)."""
    return list(
        TrainingRecord.objects.filter(cycle=cycle)
        .select_related("topic")
        .prefetch_related(
            Prefetch("attendees", queryset=User.objects.order_by("full_name", "email"))
        )
        .order_by("-held_on", "-pk")[:limit]
    )


def checkins_due(*, organisation: Organisation, on_or_before: date) -> QuerySet[CheckIn]:
    """Check-ins whose next one is due by `on_or_before` and has not happened yet.

    Only the latest check-in of each community lead in each cycle counts (a later one
    answers the earlier due date), only while they are still a community lead of that cycle,
    and not for closed cycles.
    """

    still_lead = Cycle.community_leads.through.objects.filter(
        cycle_id=OuterRef("cycle_id"), user_id=OuterRef("community_lead_id")
    )
    return (
        latest_checkins(
            CheckIn.objects.filter(organisation=organisation, next_due_on__lte=on_or_before)
        )
        .filter(Exists(still_lead))
        .exclude(cycle__status=CycleStatus.CLOSED)
        .select_related("cycle", "community_lead", "held_by")
        .order_by("next_due_on", "pk")
    )


def lead_preparation_in_open_cycles(*, membership: Membership, limit: int) -> list[dict]:
    """A community lead's own open cycles (at most `limit`), each with their agreement and
    latest check-in there: [{"cycle", "agreement", "checkin"}] (three queries)."""
    cycles = list(
        cycles_visible_to(membership)
        .exclude(status=CycleStatus.CLOSED)
        .only(*CYCLE_LABEL_FIELDS)
        .order_by("title", "pk")[:limit]
    )
    agreements = {a.cycle_id: a for a in agreements_visible_to(membership).filter(cycle__in=cycles)}
    latest = {
        c.cycle_id: c
        for c in latest_checkins(checkins_visible_to(membership).filter(cycle__in=cycles)).only(
            "pk", "cycle_id", "held_on", "kind", "next_due_on"
        )
    }
    return [
        {"cycle": c, "agreement": agreements.get(c.pk), "checkin": latest.get(c.pk)} for c in cycles
    ]
