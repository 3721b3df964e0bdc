"""Reads for the register: who may see which stakeholders, search, counts and a
stakeholder's cycles and history."""

from collections.abc import Iterable

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import pluralize

from cycles.models import Cycle
from cycles.selectors.cycles import CYCLE_LABEL_FIELDS, cycles_visible_to
from t2a.models import Membership, Organisation, Role
from t2a.policies import STAFF_ROLES
from t2a.text import match_key, search_forms, text_search

from ..models import (
    TAG_FIELDS,
    Commitment,
    Conversation,
    Sector,
    Stakeholder,
    StakeholderCycle,
    SteeringGroupMember,
)

# Only what the register's list shows.
LIST_FIELDS = (
    "pk",
    "name",
    "kind",
    "sector",
    "trusted_leader",
    "trusted_voice",
    "trusted_place",
    "influence",
    "interest",
    "relationship_strength",
    "erased_at",
)


def stakeholders_visible_to(membership: Membership) -> QuerySet[Stakeholder]:
    """The register rows this member may open (governance: none)."""
    stakeholders = Stakeholder.objects.filter(organisation=membership.organisation_id)
    if membership.role in STAFF_ROLES:
        return stakeholders
    if membership.role == Role.COMMUNITY_LEAD:
        # Stakeholders of the lead's own cycles, and those whose recorded contact they are.
        in_their_cycles = StakeholderCycle.objects.filter(
            cycle__in=cycles_visible_to(membership)
        ).values("stakeholder_id")
        return stakeholders.filter(
            Q(pk__in=in_their_cycles) | Q(contact_owner_id=membership.user_id)
        )
    return stakeholders.none()


def get_stakeholder_for_request(request: HttpRequest, stakeholder_pk: int) -> Stakeholder:
    """The stakeholder, or 404 unless this member may see it."""
    return get_object_or_404(
        stakeholders_visible_to(request.membership).select_related(
            "consent_recorded_by", "naming_consent_recorded_by", "contact_owner"
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
        stakeholders = stakeholders.filter(text_search(("name", "notes", "languages"), query))
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


# Names asked about per query when looking for stakeholders with the same name.
NAMES_PER_QUERY = 250


def stakeholders_named_like(
    stakeholders: QuerySet[Stakeholder], names: Iterable[str]
) -> dict[str, list[Stakeholder]]:
    """Of `stakeholders`, those whose name a person would read as one of `names` (the same
    letters once cleaned, in any case and either Unicode form), by `match_key` of the name.
    One query per NAMES_PER_QUERY names."""
    keys = list(dict.fromkeys(k for k in map(match_key, names) if k))
    found: dict[str, list[Stakeholder]] = {}
    for start in range(0, len(keys), NAMES_PER_QUERY):
        chunk = keys[start : start + NAMES_PER_QUERY]
        wanted = Q()
        for key in chunk:
            for form in search_forms(key):
                wanted |= Q(name__iexact=form)
        for stakeholder in stakeholders.filter(wanted).only("pk", "name").order_by("name", "pk"):
            key = match_key(stakeholder.name)
            if key in chunk:
                found.setdefault(key, []).append(stakeholder)
    return found


def cycle_link_candidates(*, cycle: Cycle, membership: Membership) -> QuerySet[Stakeholder]:
    """Register rows this member may put on the cycle's map: not already on it, not erased."""
    return (
        stakeholders_visible_to(membership)
        .filter(erased_at__isnull=True)
        .exclude(pk__in=StakeholderCycle.objects.filter(cycle=cycle).values("stakeholder_id"))
        .order_by("name", "pk")
    )


def cycle_choices(membership: Membership) -> list[Cycle]:
    """The cycles this member may pick from in a form or a filter (with what labels them)."""
    return list(
        cycles_visible_to(membership).only(*CYCLE_LABEL_FIELDS).order_by("title", "iteration", "pk")
    )


def stakeholder_cycle_links(
    *, stakeholder: Stakeholder, membership: Membership
) -> list[StakeholderCycle]:
    """The cycles, of those this member may see, whose map the stakeholder is on."""
    return list(
        StakeholderCycle.objects.filter(
            stakeholder=stakeholder, cycle__in=cycles_visible_to(membership)
        )
        .select_related("cycle")
        .order_by("cycle__title")
    )


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


def cycle_stakeholders_preview(cycle: Cycle) -> dict:
    """What the next iteration would take of the map and the steering group (two queries)."""
    mapped = StakeholderCycle.objects.filter(cycle=cycle).count()
    seats = SteeringGroupMember.objects.filter(cycle=cycle).count()
    return {
        "text": f"{mapped} stakeholder{pluralize(mapped)} in the cycle and {seats} steering "
        f"group seat{pluralize(seats)}"
    }
