"""Writes for a cycle itself: creating it, editing it and moving it between stages."""

from django.core.exceptions import ValidationError
from django.db import transaction

from t2a.models import Organisation, User

from ..models import Cycle, CycleStatus, StageTransition
from ..selectors import readiness
from ..selectors.closure import CLOSURE_STATUSES
from ..selectors.cycles import cycle_unique_slug, duplicate_title_message, open_cycle_titled
from .closure import closure_checklist_open, closure_refuse_unless_settled
from .versions import cycle_changed


def _refuse_duplicate_title(cycle: Cycle) -> None:
    """Refuse a title another open cycle of the organisation already has: people pick
    cycles by title. The organisation's row is locked first, so two people saving the
    same title at once cannot both pass. A closed cycle may share a title."""
    if cycle.status == CycleStatus.CLOSED:
        return
    Organisation.objects.select_for_update().filter(pk=cycle.organisation_id).first()
    clash = open_cycle_titled(cycle.organisation_id, cycle.title, exclude_pk=cycle.pk)
    if clash is not None:
        raise ValidationError({"title": duplicate_title_message(clash)})


@transaction.atomic
def cycle_create(
    *,
    organisation: Organisation,
    fields: dict,
    community_leads=(),
    governance_members=(),
) -> Cycle:
    cycle = Cycle(organisation=organisation, **fields)
    _refuse_duplicate_title(cycle)
    if cycle.status == CycleStatus.CLOSED:
        raise ValidationError(
            {
                "status": "A new cycle cannot start closed: closing needs its closure checklist "
                "done or explained first. Start it as draft or active."
            }
        )
    cycle.slug = cycle_unique_slug(organisation, cycle.title, start_date=cycle.start_date)
    cycle.full_clean()
    cycle.save()
    cycle.community_leads.set(community_leads)
    cycle.governance_members.set(governance_members)
    if cycle.status == CycleStatus.CLOSING:
        closure_checklist_open(cycle=cycle)
    cycle_changed(cycle)
    return cycle


@transaction.atomic
def cycle_update(*, cycle: Cycle, fields: dict, community_leads, governance_members) -> Cycle:
    # Lock the row: closing is decided on the checklist as it stands, so nobody may change
    # an item (which locks the cycle too) between the check and the save.
    previous, version = (
        Cycle.objects.select_for_update().values_list("status", "data_version").get(pk=cycle.pk)
    )
    # The whole row is saved: keep the stored version (read under the lock), never the
    # one loaded with the page, which another change may have moved on since.
    cycle.data_version = version
    # The slug stays as it was: public pages link to it.
    for name, value in fields.items():
        setattr(cycle, name, value)
    if cycle.status == CycleStatus.CLOSED and previous != CycleStatus.CLOSED:
        closure_refuse_unless_settled(cycle=cycle, field="status")
    _refuse_duplicate_title(cycle)
    cycle.full_clean()
    cycle.save()
    cycle.community_leads.set(community_leads)
    cycle.governance_members.set(governance_members)
    if cycle.status in CLOSURE_STATUSES and previous not in CLOSURE_STATUSES:
        closure_checklist_open(cycle=cycle)
    cycle_changed(cycle)
    return cycle


@transaction.atomic
def cycle_change_stage(
    *,
    cycle: Cycle,
    from_stage: int,
    to_stage: int,
    by: User,
    reason: str = "",
    inclusion_prompts_changed: bool | None = None,
    inclusion_prompts_note: str = "",
) -> StageTransition:
    """Move a cycle one stage on or back, recording who, when, why and what was unmet."""
    # Lock the row so two people moving the same cycle cannot both act on a stale stage.
    locked = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if locked.current_stage != from_stage:
        raise ValidationError(
            "Someone has moved this cycle since you opened the page. Check its stage and try again."
        )
    if abs(to_stage - from_stage) != 1 or not 1 <= to_stage <= 5:
        raise ValidationError("A cycle moves one stage at a time.")
    unmet: list[dict] = []
    if to_stage > from_stage:
        stage = readiness.evaluate(locked, stages=[from_stage])[from_stage]
        unmet = [{"key": r.key, "label": r.label} for r in stage.unmet]
        if unmet and not reason.strip():
            raise ValidationError(
                {"reason": "Give a reason for moving on with checklist items not met."}
            )
    elif not reason.strip():
        raise ValidationError({"reason": "Give a reason for going back a stage."})
    transition = StageTransition(
        organisation_id=locked.organisation_id,
        cycle=locked,
        from_stage=from_stage,
        to_stage=to_stage,
        moved_by=by,
        reason=reason.strip(),
        unmet_items=unmet,
        inclusion_prompts_changed=inclusion_prompts_changed,
        inclusion_prompts_note=inclusion_prompts_note.strip(),
    )
    transition.full_clean()
    transition.save()
    locked.current_stage = to_stage
    locked.save(update_fields=["current_stage", "updated_at"])
    cycle.current_stage = to_stage
    cycle_changed(cycle)
    return transition
