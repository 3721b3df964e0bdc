"""The cycles app's panels on pages other apps own (registered in registrations.py)."""

from django.db.models import Count
from django.http import HttpRequest

from .. import policies
from ..models import CycleStatus, Stage
from ..selectors.cycles import cycles_visible_to

# Open cycles listed on the organisation home.
SHOWN = 5


def home_cycles(request: HttpRequest) -> dict:
    """The member's open cycles, newest first, with how many sit at each stage."""
    membership = request.membership
    cycles = cycles_visible_to(membership).exclude(status=CycleStatus.CLOSED)
    counts = dict(
        cycles.order_by()
        .values_list("current_stage")
        .annotate(n=Count("pk"))
        .values_list("current_stage", "n")
    )
    leads_own = membership.role in policies.STAFF_ROLES
    mine = cycles.filter(lead=membership.user_id) if leads_own else cycles
    return {
        "by_stage": [(stage, counts.get(stage.value, 0)) for stage in Stage],
        "total": sum(counts.values()),
        "cycles": list(mine.select_related("lead")[:SHOWN]),
        "leads_own": leads_own,
        "can_create": policies.can_create_cycle(membership),
    }
