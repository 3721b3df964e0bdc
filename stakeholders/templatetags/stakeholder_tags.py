"""Small display filters for stakeholder pages (no queries: views hand templates the data)."""

from datetime import date

from django import template

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
