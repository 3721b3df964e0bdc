"""Writes for the inclusion prompts."""

from t2a.models import User

from ..models import InclusionPrompts
from .versions import cycle_changed


def inclusion_prompts_update(
    *, prompts: InclusionPrompts, by: User, answers: dict
) -> InclusionPrompts:
    for name, value in answers.items():
        setattr(prompts, name, value)
    prompts.updated_by = by
    prompts.full_clean()
    prompts.save()
    cycle_changed(prompts.cycle_id)
    return prompts
