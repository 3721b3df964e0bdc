"""Writes for the ripple-effect map, and the rules every write goes through:

- the parent, the linked action and the linked insight all belong to the effect's cycle;
- an effect never grows out of itself or out of one of its own descendants (no loops);
- a map holds at most MAX_EFFECTS effects and MAX_DEPTH levels, so the drawing stays
  readable on a screen and on an A4 page.

Deleting an effect that others grew out of moves those children up to the deleted effect's
own parent (or makes them starting points). Refusing would make people take a map apart
from the bottom to fix one wrong box, and the children are still real effects: they keep
their place in the map, one step nearer the start.
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from cycles.models import Cycle
from cycles.services.versions import cycle_changed
from feedback.models import Insight
from t2a.models import User

from ..models import Action, RippleEffect, RippleLevel
from ..selectors.ripple import MAX_DEPTH, MAX_EFFECTS, depth_of, descendant_ids, subtree_height


def _check(effect: RippleEffect, effects: list[RippleEffect]) -> None:
    errors: dict[str, str] = {}
    cycle_id = effect.cycle_id
    if effect.parent_id is not None:
        known = {e.pk: e for e in effects}
        parent = known.get(effect.parent_id)
        if parent is None or parent.cycle_id != cycle_id:
            errors["parent"] = "Choose an effect from this cycle's map."
        elif effect.pk and (
            effect.parent_id == effect.pk or effect.parent_id in descendant_ids(effects, effect.pk)
        ):
            errors["parent"] = (
                "An effect cannot grow out of itself or out of an effect that grew from it."
            )
        else:
            height = subtree_height(effects, effect.pk) if effect.pk else 1
            if depth_of(effects, parent.pk) + 1 + height > MAX_DEPTH:
                errors["parent"] = (
                    f"A map can be at most {MAX_DEPTH} levels deep. Choose an effect nearer "
                    "the start."
                )
    if (
        effect.action_id is not None
        and not Action.objects.filter(pk=effect.action_id, plan__cycle_id=cycle_id).exists()
    ):
        errors["action"] = "Choose an action from this cycle's plan."
    if (
        effect.insight_id is not None
        and not Insight.objects.filter(pk=effect.insight_id, cycle_id=cycle_id).exists()
    ):
        errors["insight"] = "Choose an insight from this cycle."
    description = effect.description.strip()
    if not description:
        errors["description"] = "Describe the effect."
    elif any(
        e.pk != effect.pk and e.description.strip().casefold() == description.casefold()
        for e in effects
    ):
        errors["description"] = "This effect is already on the map."
    if effect.level not in RippleLevel.values:
        errors["level"] = "Choose whether the effect is on individuals, a community or the system."
    if not effect.pk and len(effects) >= MAX_EFFECTS:
        errors["__all__"] = (
            f"A map holds at most {MAX_EFFECTS} effects. Combine some before adding more."
        )
    if errors:
        raise ValidationError(errors)


def ripple_effect_save(*, effect: RippleEffect, by: User | None) -> RippleEffect:
    """Create or update `effect` (its `cycle` set) after checking the map's rules.

    The cycle's row is locked first, so two people changing the map at once cannot make a
    loop between them.
    """
    with transaction.atomic():
        Cycle.objects.select_for_update().filter(pk=effect.cycle_id).values_list("pk").first()
        effects = list(RippleEffect.objects.filter(cycle_id=effect.cycle_id).order_by("pk"))
        effect.description = effect.description.strip()
        _check(effect, effects)
        effect.organisation_id = effect.organisation_id or effect.cycle.organisation_id
        if effect.pk is None:
            effect.created_by = by
        effect.save()
        cycle_changed(effect.cycle_id)
    return effect


def ripple_effect_delete(*, effect: RippleEffect) -> int:
    """Delete `effect`, moving the effects that grew out of it up to its parent.

    Returns how many effects were moved up.
    """
    with transaction.atomic():
        Cycle.objects.select_for_update().filter(pk=effect.cycle_id).values_list("pk").first()
        parent_id = (
            RippleEffect.objects.filter(pk=effect.pk).values_list("parent_id", flat=True).first()
        )
        children = list(RippleEffect.objects.filter(parent_id=effect.pk))
        for child in children:  # one save each, so the audit trail records the move
            child.parent_id = parent_id
            child.save(update_fields=["parent", "updated_at"])
        RippleEffect.objects.filter(pk=effect.pk).delete()
        cycle_changed(effect.cycle_id)
    return len(children)
