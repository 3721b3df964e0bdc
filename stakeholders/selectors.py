"""Reads: who may see which stakeholders, the maps, and the trust indicators.

Later issues reuse these: Trusted Places as activity venues, steering meetings and
commitments falling due for reminders, and the commitment-kept rate and meaningful
conversations per month as trust indicators.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Exists, F, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import TruncMonth
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone

from t2a.models import Membership, Organisation, Role, User
from t2a.policies import STAFF_ROLES

from .models import (
    SYSTEM_SECTORS,
    TAG_FIELDS,
    CheckIn,
    Commitment,
    Conversation,
    RoleAgreement,
    Sector,
    Stakeholder,
    StakeholderCycle,
    SteeringDecision,
    SteeringGroupMember,
    SteeringMeeting,
    TrainingAttendance,
    TrainingRecord,
    TrustedTag,
)


def _visible_cycles(membership: Membership):
    from cycles.selectors import cycles_visible_to

    return cycles_visible_to(membership)


# --- the register -------------------------------------------------------------------------


def stakeholders_visible_to(membership: Membership) -> QuerySet[Stakeholder]:
    """The register rows this member may open (governance: none)."""
    stakeholders = Stakeholder.objects.filter(organisation=membership.organisation_id)
    if membership.role in STAFF_ROLES:
        return stakeholders
    if membership.role == Role.COMMUNITY_LEAD:
        # Stakeholders of the lead's own cycles, and those whose recorded contact they are.
        in_their_cycles = StakeholderCycle.objects.filter(
            cycle__in=_visible_cycles(membership)
        ).values("stakeholder_id")
        return stakeholders.filter(
            Q(pk__in=in_their_cycles) | Q(contact_owner_id=membership.user_id)
        )
    return stakeholders.none()


def get_stakeholder_for_request(request: HttpRequest, stakeholder_pk: int) -> Stakeholder:
    """The stakeholder, or 404 unless this member may see it."""
    return get_object_or_404(
        stakeholders_visible_to(request.membership).select_related(
            "consent_recorded_by", "contact_owner"
        ),
        pk=stakeholder_pk,
    )


def stakeholder_search(
    stakeholders: QuerySet[Stakeholder],
    *,
    query: str = "",
    sector: str = "",
    tag: str = "",
    cycle_pk: int | None = None,
    influence: int | None = None,
    interest: int | None = None,
) -> QuerySet[Stakeholder]:
    if query:
        stakeholders = stakeholders.filter(
            Q(name__icontains=query) | Q(notes__icontains=query) | Q(languages__icontains=query)
        )
    if sector:
        stakeholders = stakeholders.filter(sector=sector)
    if tag in TAG_FIELDS:
        stakeholders = stakeholders.filter(**{TAG_FIELDS[tag]: True})
    if cycle_pk is not None:
        stakeholders = stakeholders.filter(cycle_links__cycle_id=cycle_pk)
    if influence is not None:
        stakeholders = stakeholders.filter(influence=influence)
    if interest is not None:
        stakeholders = stakeholders.filter(interest=interest)
    return stakeholders


def trusted_places(*, organisation: Organisation) -> QuerySet[Stakeholder]:
    """Stakeholders tagged Trusted Place: the preferred venues for listening activities."""
    return Stakeholder.objects.filter(organisation=organisation, trusted_place=True)


def register_counts(*, organisation: Organisation) -> dict:
    """Counts by sector and by 3Ts tag: what governance sees instead of the rows."""
    rows = Stakeholder.objects.filter(organisation=organisation)
    totals = rows.aggregate(
        total=Count("pk"),
        leaders=Count("pk", filter=Q(trusted_leader=True)),
        voices=Count("pk", filter=Q(trusted_voice=True)),
        places=Count("pk", filter=Q(trusted_place=True)),
    )
    by_sector = dict(rows.order_by().values_list("sector").annotate(n=Count("pk")))
    totals["by_sector"] = [(label, by_sector.get(value, 0)) for value, label in Sector.choices]
    return totals


# --- maps ---------------------------------------------------------------------------------


def _normalise(group: str) -> str:
    return " ".join(group.split()).casefold()


@dataclass
class GroupCoverage:
    group: str
    reached_by: int = 0
    tags: set[str] = field(default_factory=set)

    @property
    def missing_tags(self) -> list[str]:
        return [tag.label for tag in TrustedTag if tag.value not in self.tags]

    @property
    def is_gap(self) -> bool:
        return bool(self.missing_tags)


@dataclass
class CycleMap:
    stakeholders: list[dict]
    coverage: list[GroupCoverage]

    @property
    def gaps(self) -> list[GroupCoverage]:
        return [c for c in self.coverage if c.is_gap]


MAP_FIELDS = (
    "pk",
    "name",
    "kind",
    "sector",
    "influence",
    "interest",
    "trusted_leader",
    "trusted_voice",
    "trusted_place",
    "communities_reached",
)


def cycle_map(*, cycle) -> CycleMap:
    """Everyone linked to the cycle, and how they cover its population groups (one query).

    A population group is a gap when no stakeholder on the map reaches it, or when none of
    those who reach it is a Trusted Leader, a Trusted Voice or a Trusted Place.
    """
    rows = list(
        Stakeholder.objects.filter(cycle_links__cycle=cycle)
        .order_by("name", "pk")
        .values(*MAP_FIELDS, role=F("cycle_links__role"))
    )
    coverage = {
        _normalise(g): GroupCoverage(group=g) for g in (cycle.population_groups or []) if g.strip()
    }
    for row in rows:
        for community in row["communities_reached"] or []:
            found = coverage.get(_normalise(str(community)))
            if found is None:
                continue
            found.reached_by += 1
            for tag, field_name in TAG_FIELDS.items():
                if row[field_name]:
                    found.tags.add(tag.value)
    return CycleMap(stakeholders=rows, coverage=list(coverage.values()))


# --- steering groups ----------------------------------------------------------------------


def steering_group_is_formed(sectors: set[str]) -> bool:
    """A community member, and members from at least two of VCSE / NHS / local authority."""
    return Sector.COMMUNITY in sectors and len(SYSTEM_SECTORS & sectors) >= 2


def steering_members(*, cycle) -> list[SteeringGroupMember]:
    return list(
        SteeringGroupMember.objects.filter(cycle=cycle).select_related("stakeholder", "user")
    )


def steering_decisions(*, cycle, limit: int | None = None) -> QuerySet[SteeringDecision]:
    decisions = SteeringDecision.objects.filter(cycle=cycle).select_related("meeting")
    return decisions[:limit] if limit else decisions


def steering_meetings_between(
    *, organisation: Organisation, start: date, end: date, cycle=None
) -> QuerySet[SteeringMeeting]:
    """Steering-group meetings held (or planned) from `start` to `end`, inclusive."""
    meetings = SteeringMeeting.objects.filter(
        organisation=organisation, held_on__gte=start, held_on__lte=end
    )
    if cycle is not None:
        meetings = meetings.filter(cycle=cycle)
    return meetings.select_related("cycle")


# --- trust indicators ---------------------------------------------------------------------


def commitments_due_between(
    *, organisation: Organisation, start: date, end: date, open_only: bool = True
) -> QuerySet[Commitment]:
    """Commitments falling due from `start` to `end` (inclusive); open ones by default."""
    commitments = Commitment.objects.filter(
        organisation=organisation, due_on__gte=start, due_on__lte=end
    )
    if open_only:
        commitments = commitments.filter(kept_on__isnull=True, broken_on__isnull=True)
    return commitments.select_related("owner", "made_to")


@dataclass(frozen=True)
class KeptRate:
    due: int
    kept_on_time: int

    @property
    def rate(self) -> float | None:
        return self.kept_on_time / self.due if self.due else None

    @property
    def percent(self) -> int | None:
        return None if self.rate is None else round(self.rate * 100)


def _kept_rate_aggregates(as_of: date) -> dict:
    # A commitment counts towards the rate once its outcome is known: it was kept, it was
    # broken, or its due date has passed. One due today and still open is not counted yet
    # (there is still today to keep it); one kept after its due date counts, as not kept
    # on time.
    decided = Q(kept_on__isnull=False) | Q(broken_on__isnull=False) | Q(due_on__lt=as_of)
    return {
        "due": Count("pk", filter=decided),
        "kept_on_time": Count("pk", filter=Q(kept_on__isnull=False, kept_on__lte=F("due_on"))),
    }


def _commitments_in(organisation: Organisation, start: date, end: date | None, cycle):
    # `end` None: no upper bound, so a commitment kept early counts even though its due
    # date is still to come.
    commitments = Commitment.objects.filter(organisation=organisation, due_on__gte=start)
    if end is not None:
        commitments = commitments.filter(due_on__lte=end)
    if cycle is not None:
        commitments = commitments.filter(conversation__cycle=cycle)
    return commitments


def commitment_kept_rate(
    *,
    organisation: Organisation,
    start: date,
    end: date | None,
    as_of: date | None = None,
    cycle=None,
) -> KeptRate:
    """Commitments due from `start` to `end` (None: any time after `start`) kept by their due
    date, over those whose outcome is known by `as_of` (default today)."""
    as_of = as_of or timezone.localdate()
    counts = _commitments_in(organisation, start, end, cycle).aggregate(
        **_kept_rate_aggregates(as_of)
    )
    return KeptRate(due=counts["due"], kept_on_time=counts["kept_on_time"])


def commitment_kept_rate_by_owner(
    *,
    organisation: Organisation,
    start: date,
    end: date | None,
    as_of: date | None = None,
    cycle=None,
) -> dict[int, KeptRate]:
    """The same rate per staff member who owns the commitments: {user_pk: KeptRate}."""
    as_of = as_of or timezone.localdate()
    rows = (
        _commitments_in(organisation, start, end, cycle)
        .order_by()
        .values("owner_id")
        .annotate(**_kept_rate_aggregates(as_of))
    )
    return {r["owner_id"]: KeptRate(due=r["due"], kept_on_time=r["kept_on_time"]) for r in rows}


def first_of_month(day: date, *, months_back: int = 0) -> date:
    """The first day of the month `months_back` months before `day`'s month."""
    year, month = divmod(day.year * 12 + day.month - 1 - months_back, 12)
    return date(year, month + 1, 1)


def _meaningful(organisation: Organisation, start: date, end: date, cycle) -> QuerySet:
    conversations = Conversation.objects.filter(
        organisation=organisation, meaningful=True, held_on__gte=start, held_on__lte=end
    )
    if cycle is not None:
        conversations = conversations.filter(cycle=cycle)
    return conversations.order_by()


def meaningful_conversations_per_month(
    *, organisation: Organisation, start: date, end: date, cycle=None
) -> list[tuple[date, int]]:
    """[(first day of month, meaningful conversations held that month)], every month shown."""
    counts = {
        row["month"]: row["n"]
        for row in _meaningful(organisation, start, end, cycle)
        .annotate(month=TruncMonth("held_on"))
        .values("month")
        .annotate(n=Count("pk"))
    }
    months = []
    month = start.replace(day=1)
    while month <= end:
        months.append((month, counts.get(month, 0)))
        month = (
            month.replace(year=month.year + 1, month=1)
            if month.month == 12
            else (month.replace(month=month.month + 1))
        )
    return months


def meaningful_conversations_by_staff(
    *, organisation: Organisation, start: date, end: date, cycle=None
) -> dict[int, int]:
    """{user_pk: meaningful conversations they held from `start` to `end`}."""
    return dict(
        _meaningful(organisation, start, end, cycle)
        .values_list("staff_member_id")
        .annotate(n=Count("pk"))
    )


@dataclass
class StaffTrust:
    name: str
    meaningful: int
    kept: KeptRate


def trust_by_staff(
    *, organisation: Organisation, start: date, end: date, as_of: date | None = None
) -> list[StaffTrust]:
    """Meaningful conversations and commitment-kept rate per staff member (three queries)."""
    meaningful = meaningful_conversations_by_staff(organisation=organisation, start=start, end=end)
    kept = commitment_kept_rate_by_owner(
        organisation=organisation, start=start, end=None, as_of=as_of
    )
    people = Membership.objects.filter(
        organisation=organisation, user_id__in=set(meaningful) | set(kept)
    ).select_related("user")
    names = defaultdict(str, {m.user_id: str(m.user) for m in people})
    return sorted(
        (
            StaffTrust(
                name=names[pk] or "Former member",
                meaningful=meaningful.get(pk, 0),
                kept=kept.get(pk, KeptRate(0, 0)),
            )
            for pk in set(meaningful) | set(kept)
        ),
        key=lambda s: s.name.casefold(),
    )


def relationship_timeline(*, stakeholder: Stakeholder, limit: int = 50) -> list[Conversation]:
    """The stakeholder's latest conversations, each with its commitments (two queries)."""
    return list(
        stakeholder.conversations.select_related("staff_member", "cycle")
        .prefetch_related(
            Prefetch(
                "commitments",
                queryset=Commitment.objects.select_related("owner", "made_to"),
            )
        )
        .order_by("-held_on", "-pk")[:limit]
    )


# --- community-lead preparation -----------------------------------------------------------


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


def community_leads_of(*, cycle) -> list[User]:
    return list(cycle.community_leads.order_by("full_name", "email", "pk"))


def latest_checkins(checkins: QuerySet[CheckIn]) -> QuerySet[CheckIn]:
    """The latest check-in per (cycle, community lead) among `checkins`."""
    latest = (
        CheckIn.objects.filter(cycle=OuterRef("cycle"), community_lead=OuterRef("community_lead"))
        .order_by("-held_on", "-pk")
        .values("pk")[:1]
    )
    return checkins.filter(pk=Subquery(latest))


def preparation_rows(*, cycle, leads: list[User]) -> list[LeadPreparation]:
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


def checkins_visible_to(membership: Membership) -> QuerySet[CheckIn]:
    """The check-ins (with their private notes) this member may read: staff all of them,
    a community lead their own, governance none."""
    checkins = CheckIn.objects.filter(organisation=membership.organisation_id)
    if membership.role in STAFF_ROLES:
        return checkins
    if membership.role == Role.COMMUNITY_LEAD:
        return checkins.filter(community_lead=membership.user_id)
    return checkins.none()


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


def training_for_cycle(*, cycle, limit: int = 50) -> list[TrainingRecord]:
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
    from cycles.models import Cycle, CycleStatus

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
