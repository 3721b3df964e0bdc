"""Status colours for action and plan tags (no queries: views hand templates the data)."""

from decimal import Decimal

from django import template

from actions.models import ActionStatus, PlanStatus
from actions.selectors.measures import amount

register = template.Library()


ACTION_TAGS = {
    ActionStatus.NOT_STARTED: "grey",
    ActionStatus.ON_TRACK: "green",
    ActionStatus.AT_RISK: "yellow",
    ActionStatus.OFF_TRACK: "red",
    ActionStatus.PAUSED: "orange",
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


@register.filter
def measure_amount(value: Decimal, unit: str) -> str:
    """A measured number with its unit: "12.5 days", "40%"."""
    return amount(value, unit)
