"""The cycles summary on the organisation home page."""

from django import template
from django.db.models import Count

from cycles import policies
from cycles.models import CycleStatus, Stage
from cycles.selectors import cycles_visible_to

register = template.Library()

SHOWN = 5


@register.inclusion_tag("cycles/dashboard.html", takes_context=True)
def cycles_dashboard(context) -> dict:
    """The member's open cycles, newest first, with how many sit at each stage."""
    membership = context.get("membership")
    if membership is None:
        return {"visible": False}
    cycles = cycles_visible_to(membership).exclude(status=CycleStatus.CLOSED)
    counts = dict(
        cycles.order_by()
        .values_list("current_stage")
        .annotate(n=Count("pk"))
        .values_list("current_stage", "n")
    )
    mine = (
        cycles.filter(lead=membership.user_id)
        if membership.role in policies.STAFF_ROLES
        else cycles
    )
    return {
        "visible": True,
        "organisation": context.get("organisation"),
        "by_stage": [(stage, counts.get(stage.value, 0)) for stage in Stage],
        "total": sum(counts.values()),
        "cycles": list(mine.select_related("lead")[:SHOWN]),
        "leads_own": membership.role in policies.STAFF_ROLES,
        "can_create": policies.can_create_cycle(membership),
    }
