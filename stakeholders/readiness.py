"""Stage readiness items that the stakeholder data makes measurable (see cycles/readiness.py)."""

from collections import defaultdict
from collections.abc import Sequence

from .models import SteeringGroupMember
from .selectors import steering_group_is_formed


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
