"""Stakeholder panels for other pages (cycle home, organisation home) and small filters."""

from datetime import date

from django import template
from django.utils import timezone

from stakeholders import policies, selectors
from stakeholders.models import Commitment
from t2a.models import Role

# The home page lists at most this many of a community lead's open cycles.
MY_CYCLES = 10

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


@register.inclusion_tag("stakeholders/includes/my_preparation.html", takes_context=True)
def community_lead_preparation(context) -> dict:
    """Organisation home, for a community lead: their own agreements, training and check-ins
    in their open cycles (four queries, however many cycles or records)."""
    membership = context.get("membership")
    organisation = context.get("organisation")
    if membership is None or organisation is None or membership.role != Role.COMMUNITY_LEAD:
        return {"visible": False}
    from cycles.models import CycleStatus
    from cycles.selectors import cycles_visible_to

    cycles = list(
        cycles_visible_to(membership)
        .exclude(status=CycleStatus.CLOSED)
        .only("pk", "title")
        .order_by("title", "pk")[:MY_CYCLES]
    )
    user_id = membership.user_id
    agreements = {
        a.cycle_id: a for a in selectors.agreements_visible_to(membership).filter(cycle__in=cycles)
    }
    latest = {
        c.cycle_id: c
        for c in selectors.latest_checkins(
            selectors.checkins_visible_to(membership).filter(cycle__in=cycles)
        ).only("pk", "cycle_id", "held_on", "kind", "next_due_on")
    }
    return {
        "visible": True,
        "organisation": organisation,
        "today": timezone.localdate(),
        "cycles": [
            {"cycle": c, "agreement": agreements.get(c.pk), "checkin": latest.get(c.pk)}
            for c in cycles
        ],
        "user_id": user_id,
        "training": selectors.training_attended(community_lead_id=user_id, limit=5),
    }
