"""Reads for the inclusion prompts."""

from ..models import Cycle, InclusionPrompts


def inclusion_prompts_for(cycle: Cycle) -> InclusionPrompts:
    """The cycle's answers, or an unsaved blank set (saved by
    `services.inclusion.inclusion_prompts_update`)."""
    return InclusionPrompts.objects.filter(cycle=cycle).first() or InclusionPrompts(
        organisation_id=cycle.organisation_id, cycle=cycle
    )
