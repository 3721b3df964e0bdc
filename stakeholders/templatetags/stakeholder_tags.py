"""Stakeholder panels for other pages (cycle home, organisation home) and small filters."""

from datetime import date

from django import template
from django.utils import timezone

from stakeholders import policies, selectors
from stakeholders.models import Commitment

register = template.Library()


@register.filter
def commitment_status(commitment: Commitment, today: date) -> str:
    return commitment.status(today)


@register.filter
def get_item(mapping: dict, key):
    return mapping.get(key) if mapping else None


@register.filter
def monthly_total(per_month: list[tuple[date, int]]) -> int:
    return sum(n for _, n in per_month)


@register.inclusion_tag("stakeholders/includes/cycle_panel_body.html", takes_context=True)
def stakeholder_cycle_panel(context, cycle) -> dict:
    """The cycle page's stakeholder summary: steering group, its decisions, map counts."""
    membership = context.get("membership")
    members = selectors.steering_members(cycle=cycle)
    sectors: dict[str, int] = {}
    for m in members:
        label = m.get_sector_display()
        sectors[label] = sectors.get(label, 0) + 1
    return {
        "organisation": context.get("organisation"),
        "membership": membership,
        "cycle": cycle,
        "members": members,
        "sectors": sorted(sectors.items()),
        "formed": selectors.steering_group_is_formed({m.sector for m in members}),
        "decisions": list(selectors.steering_decisions(cycle=cycle, limit=10)),
        "mapped": cycle.stakeholder_links.count(),
        "can_view_group": membership is not None and policies.can_view_steering_group(membership),
        "show_names": membership is not None and policies.can_view_steering_group(membership),
    }


@register.inclusion_tag("stakeholders/includes/dashboard_body.html", takes_context=True)
def stakeholder_dashboard(context) -> dict:
    """Organisation home: meaningful conversations per month and the commitment-kept rate."""
    membership = context.get("membership")
    organisation = context.get("organisation")
    if membership is None or organisation is None:
        return {"visible": False}
    today = timezone.localdate()
    start = selectors.first_of_month(today, months_back=2)
    return {
        "visible": True,
        "organisation": organisation,
        "membership": membership,
        "per_month": selectors.meaningful_conversations_per_month(
            organisation=organisation, start=start, end=today
        ),
        "kept": selectors.commitment_kept_rate(
            organisation=organisation, start=start, end=None, as_of=today
        ),
    }
