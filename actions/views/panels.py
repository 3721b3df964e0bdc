"""The actions app's panels on pages other apps own (registered in registrations.py)."""

from django.http import HttpRequest

from cycles.models import Cycle
from cycles.selectors.cycles import cycles_visible_to

from .. import policies
from ..models import PlanStatus
from ..selectors.escalations import open_escalation_count
from ..selectors.indicators import trust_indicators_cached
from ..selectors.plan import plan_for, plan_status_counts
from ..selectors.signoff import signoff_state


def cycle_plan(request: HttpRequest, cycle: Cycle) -> dict:
    """The cycle page's plan summary: status, version and who has signed off."""
    plan = plan_for(cycle)
    return {
        "plan": plan,
        "state": signoff_state(plan) if plan else None,
        "action_count": plan.actions.count() if plan else 0,
    }


def home_plans(request: HttpRequest) -> dict:
    """Organisation home: plans waiting for sign-off and open escalations."""
    membership = request.membership
    counts = plan_status_counts(membership)
    can_escalations = policies.can_view_escalations(membership)
    return {
        "awaiting": counts[PlanStatus.AWAITING_SIGNOFF],
        "signed": counts[PlanStatus.SIGNED_OFF] + counts[PlanStatus.IN_DELIVERY],
        "total": sum(counts.values()),
        "can_escalations": can_escalations,
        "open_escalations": open_escalation_count(membership) if can_escalations else 0,
    }


def home_trust_indicators(request: HttpRequest) -> dict | None:
    """Organisation home: the trust indicators, for those who may open the governance page."""
    membership = request.membership
    if not policies.can_view_governance(membership):
        return None
    indicators = trust_indicators_cached(
        organisation=request.organisation,
        membership=membership,
        cycles=list(cycles_visible_to(membership)),
    )
    return {"indicators": indicators.indicators}
