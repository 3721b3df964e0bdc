"""`{% listening_figures cycle as figures %}` for panels on pages other apps own."""

from django import template

from cycles.models import Cycle

from ..selectors import cycle_reach, insight_closure, organisation_listening, public_page_for

register = template.Library()


@register.simple_tag
def listening_figures(cycle: Cycle) -> dict:
    """Activities held, insight, the share unanswered and the public page (three queries)."""
    return {
        "reach": cycle_reach(cycle=cycle),
        "closure": insight_closure(cycle)[cycle.pk],
        "public_page": public_page_for(cycle),
    }


@register.simple_tag(takes_context=True)
def organisation_listening_figures(context) -> dict:
    """The same figures over the cycles the signed-in member can see (two queries)."""
    return organisation_listening(context["membership"])
