"""Action-plan panels for other pages (cycle home, organisation home) and status colours."""

from django import template

from actions import policies, selectors
from actions.models import ActionPlan, ActionStatus, PlanStatus
from cycles.selectors import cycles_visible_to

register = template.Library()


ACTION_TAGS = {
    ActionStatus.NOT_STARTED: "grey",
    ActionStatus.ON_TRACK: "green",
    ActionStatus.AT_RISK: "yellow",
    ActionStatus.OFF_TRACK: "red",
    ActionStatus.DONE: "blue",
    ActionStatus.DROPPED: "white",
}
PLAN_TAGS = {
    PlanStatus.DRAFT: "grey",
    PlanStatus.AWAITING_SIGNOFF: "yellow",
    PlanStatus.SIGNED_OFF: "green",
    PlanStatus.IN_DELIVERY: "blue",
    PlanStatus.CLOSED: "purple",
}


@register.filter
def action_tag(status: str) -> str:
    return f"nhsuk-tag--{ACTION_TAGS.get(status, 'grey')}"


@register.filter
def plan_tag(status: str) -> str:
    return f"nhsuk-tag--{PLAN_TAGS.get(status, 'grey')}"


@register.inclusion_tag("actions/cycle_panel.html", takes_context=True)
def action_cycle_panel(context, cycle) -> dict:
    """The cycle page's plan summary: status, version and who has signed off."""
    plan: ActionPlan | None = selectors.plan_for(cycle)
    state = selectors.signoff_state(plan) if plan else None
    return {
        "organisation": context.get("organisation"),
        "cycle": cycle,
        "plan": plan,
        "state": state,
        "action_count": plan.actions.count() if plan else 0,
    }


@register.inclusion_tag("actions/dashboard_body.html", takes_context=True)
def action_dashboard(context) -> dict:
    """Organisation home: plans waiting for sign-off and open escalations."""
    membership = context.get("membership")
    organisation = context.get("organisation")
    if membership is None or organisation is None:
        return {"visible": False}
    plans = ActionPlan.objects.filter(cycle__in=cycles_visible_to(membership))
    counts = {status: 0 for status in PlanStatus.values}
    for status in plans.values_list("status", flat=True):
        counts[status] += 1
    can_escalations = policies.can_view_escalations(membership)
    return {
        "visible": True,
        "organisation": organisation,
        "awaiting": counts[PlanStatus.AWAITING_SIGNOFF],
        "signed": counts[PlanStatus.SIGNED_OFF] + counts[PlanStatus.IN_DELIVERY],
        "total": sum(counts.values()),
        "can_escalations": can_escalations,
        "open_escalations": selectors.open_escalation_count(membership) if can_escalations else 0,
    }


@register.inclusion_tag("actions/dashboard_indicators.html", takes_context=True)
def trust_indicators_compact(context) -> dict:
    """Organisation home: the trust indicators, for those who may open the governance page."""
    membership = context.get("membership")
    organisation = context.get("organisation")
    if membership is None or organisation is None or not policies.can_view_governance(membership):
        return {"visible": False}
    from actions.indicators import trust_indicators_cached

    indicators = trust_indicators_cached(
        organisation=organisation,
        membership=membership,
        cycles=list(cycles_visible_to(membership)),
    )
    return {"visible": True, "organisation": organisation, "indicators": indicators.indicators}
