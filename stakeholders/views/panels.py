"""The stakeholders app's panels on pages other apps own (registered in registrations.py)."""

from django.http import HttpRequest
from django.utils import timezone

from cycles.models import Cycle
from t2a.models import Role

from .. import policies
from ..selectors.indicators import (
    commitment_kept_rate,
    first_of_month,
    meaningful_conversations_per_month,
)
from ..selectors.maps import mapped_count
from ..selectors.preparation import lead_preparation_in_open_cycles, training_attended
from ..selectors.steering import (
    steering_access,
    steering_decisions,
    steering_group_is_formed,
    steering_members,
)

# The home page lists at most this many of a community lead's open cycles.
MY_CYCLES = 10


def cycle_stakeholders(request: HttpRequest, cycle: Cycle) -> dict:
    """The cycle page's stakeholder summary: steering group, its decisions, map counts."""
    membership = request.membership
    members = steering_members(cycle=cycle)
    sectors: dict[str, int] = {}
    for m in members:
        label = m.get_sector_display()
        sectors[label] = sectors.get(label, 0) + 1
    may_see_group = policies.can_view_steering_group(membership)
    access = steering_access(membership=membership, cycle=cycle)
    return {
        "members": members,
        "sectors": sorted(sectors.items()),
        "formed": steering_group_is_formed({m.sector for m in members}),
        "decisions": steering_decisions(cycle=cycle, access=access, limit=10),
        "mapped": mapped_count(cycle=cycle),
        "can_view_group": may_see_group,
        "show_names": may_see_group,
    }


def home_relationships(request: HttpRequest) -> dict:
    """Organisation home: meaningful conversations per month and the commitment-kept rate."""
    organisation = request.organisation
    today = timezone.localdate()
    start = first_of_month(today, months_back=2)
    return {
        "per_month": meaningful_conversations_per_month(
            organisation=organisation, start=start, end=today
        ),
        "kept": commitment_kept_rate(organisation=organisation, start=start, end=None, as_of=today),
    }


def home_my_preparation(request: HttpRequest) -> dict | None:
    """Organisation home, for a community lead: their own agreements, training and check-ins
    in their open cycles (four queries, however many cycles or records)."""
    membership = request.membership
    if membership.role != Role.COMMUNITY_LEAD:
        return None
    return {
        "today": timezone.localdate(),
        "cycles": lead_preparation_in_open_cycles(membership=membership, limit=MY_CYCLES),
        "user_id": membership.user_id,
        "training": training_attended(community_lead_id=membership.user_id, limit=5),
    }
