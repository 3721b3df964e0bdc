"""Stage readiness measures that the stakeholder data makes measurable (registered in
registrations.py, composed into each stage's checklist by the cycles app)."""

from collections import defaultdict
from collections.abc import Sequence

from cycles.models import Cycle

from ..models import RoleAgreement, SteeringGroupMember, TrainingAttendance
from .steering import steering_group_is_formed


def steering_group_formed(cycles: Sequence) -> dict[int, bool]:
    """{cycle_pk: formed}: a community member and members from two of VCSE / NHS / council.

    One query for any number of cycles.
    """
    sectors: dict[int, set[str]] = defaultdict(set)
    rows = (
        SteeringGroupMember.objects.filter(cycle__in=[c.pk for c in cycles])
        .order_by()
        .values_list("cycle_id", "sector")
        .distinct()
    )
    for cycle_pk, sector in rows:
        sectors[cycle_pk].add(sector)
    return {c.pk: steering_group_is_formed(sectors[c.pk]) for c in cycles}


def community_leads_prepared(cycles: Sequence) -> dict[int, bool]:
    """{cycle_pk: prepared}: every community lead on the cycle has a role agreement both
    sides confirmed and at least one training record (training in any of the organisation's
    cycles counts: it belongs to the person). A cycle without community leads is not ready.

    Three queries for any number of cycles.
    """

    pks = [c.pk for c in cycles]
    leads: dict[int, set[int]] = defaultdict(set)
    for cycle_pk, user_pk in Cycle.community_leads.through.objects.filter(
        cycle_id__in=pks
    ).values_list("cycle_id", "user_id"):
        leads[cycle_pk].add(user_pk)
    everyone = set().union(*leads.values()) if leads else set()
    agreed = set(
        RoleAgreement.objects.filter(
            cycle__in=pks,
            lead_confirmed_at__isnull=False,
            community_lead_confirmed_at__isnull=False,
        ).values_list("cycle_id", "community_lead_id")
    )
    trained = set(
        TrainingAttendance.objects.filter(community_lead__in=everyone)
        .order_by()
        .values_list("community_lead_id", flat=True)
        .distinct()
    )
    return {
        c.pk: bool(leads[c.pk])
        and all((c.pk, lead) in agreed and lead in trained for lead in leads[c.pk])
        for c in cycles
    }
