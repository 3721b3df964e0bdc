"""Responsible closure and repeating the cycle: opening the closure checklist, recording
its steps, closing, and starting the next iteration (what each step shows is read in
`selectors/closure.py`)."""

from django.core.exceptions import ValidationError
from django.db import transaction

from t2a.models import User
from t2a.registry import CarryOver, registry

from ..models import ClosureItem, ClosureItemKey, ClosureState, Cycle, CycleStatus
from ..selectors.closure import (
    CLOSURE_STATUSES,
    NEXT_ITERATION_FROM,
    checklist_for,
    closure_refusal,
)
from ..selectors.cycles import cycle_unique_slug, duplicate_title_message, open_cycle_titled
from .versions import cycle_changed


def closure_checklist_open(*, cycle: Cycle) -> None:
    """Write the checklist's rows (once: a cycle that closes twice keeps what it had)."""
    org_id = cycle.organisation_id
    ClosureItem.objects.bulk_create(
        [ClosureItem(organisation_id=org_id, cycle=cycle, key=key) for key in ClosureItemKey],
        ignore_conflicts=True,
    )


def closure_refuse_unless_settled(*, cycle: Cycle, field: str | None = None) -> None:
    """Refuse (ValidationError, on `field` when given) unless every closure step is done
    or explained."""
    checklist = checklist_for(cycle)
    if checklist.all_settled:
        return
    unsettled = checklist.unsettled
    steps = "; ".join(item.label.lower() for item in unsettled)
    count = len(unsettled)
    message = (
        f"This cycle cannot close yet: {count} closure step{'s' if count != 1 else ''} "
        f"{'are' if count != 1 else 'is'} neither done nor explained ({steps}). "
        "Mark each one done, or explain why not, on the closure checklist."
    )
    raise ValidationError({field: message} if field else message)


def _lock(cycle: Cycle) -> Cycle:
    return Cycle.objects.select_for_update().get(pk=cycle.pk)


@transaction.atomic
def cycle_start_closing(*, cycle: Cycle, by: User) -> Cycle:
    """Move a draft or active cycle to closing, which opens its closure checklist."""
    locked = _lock(cycle)
    if locked.status in CLOSURE_STATUSES:
        raise ValidationError(f"This cycle is already {locked.get_status_display().lower()}.")
    locked.status = CycleStatus.CLOSING
    locked.save(update_fields=["status", "updated_at"])
    closure_checklist_open(cycle=locked)
    cycle.status = locked.status
    cycle_changed(cycle)
    return locked


@transaction.atomic
def cycle_close(*, cycle: Cycle, by: User) -> Cycle:
    """Close a closing cycle: refused unless every closure step is done or explained."""
    locked = _lock(cycle)
    if locked.status != CycleStatus.CLOSING:
        raise ValidationError(
            "This cycle is already closed."
            if locked.status == CycleStatus.CLOSED
            else "Move the cycle to closing first, then work through its closure checklist."
        )
    closure_refuse_unless_settled(cycle=locked)
    locked.status = CycleStatus.CLOSED
    locked.save(update_fields=["status", "updated_at"])
    cycle.status = locked.status
    cycle_changed(cycle)
    return locked


@transaction.atomic
def closure_item_update(*, cycle: Cycle, key: str, state: str, note: str, by: User) -> ClosureItem:
    """Record one closure step as done, explained (with the reason) or not yet."""
    locked = _lock(cycle)
    if locked.status == CycleStatus.CLOSED:
        raise ValidationError(
            "This cycle is closed, so its closure checklist can no longer change. To change "
            "it, reopen the cycle by editing its status."
        )
    if locked.status != CycleStatus.CLOSING:
        raise ValidationError("The closure checklist opens when the cycle moves to closing.")
    note = note.strip()
    if state == ClosureState.EXPLAINED and not note:
        raise ValidationError({"note": "Explain why this step was not done."})
    if state == ClosureState.DONE and (refusal := closure_refusal(locked, key)):
        raise ValidationError({"state": refusal})
    item, _ = ClosureItem.objects.get_or_create(
        organisation_id=locked.organisation_id, cycle=locked, key=key
    )
    item.state = state
    item.note = note
    item.updated_by = by
    item.full_clean()
    item.save()
    cycle_changed(cycle)
    return item


# Repeating the cycle ----------------------------------------------------------------


@transaction.atomic
def cycle_start_next_iteration(*, cycle: Cycle, by: User, title: str, start_date=None) -> Cycle:
    """Start the next iteration of a closing or closed cycle, in one transaction.

    The new cycle starts in draft at stage 1 with a fresh case for change, and takes the
    cycle's own description and people (inequality, place, groups, engagement lead,
    community leads, governance members). Everything else it carries, each app carries
    itself (`app.carry_over` in its registrations): its stakeholders and steering seats,
    its theory of change, its open actions, what the evaluation says to adapt. Nothing
    else: not the insight, activities, report-backs, finished actions, ethics log or
    inclusion answers, which belong to the iteration they happened in.
    """
    locked = _lock(cycle)
    if locked.status not in NEXT_ITERATION_FROM:
        raise ValidationError(
            "Start the next iteration once this cycle is closing or closed: it carries the "
            "open actions and what the evaluation says to adapt."
        )
    existing = Cycle.objects.filter(previous_iteration=locked).values_list("title", flat=True)
    if existing:
        raise ValidationError(f"This cycle already has a next iteration: {existing[0]}.")
    clash = open_cycle_titled(locked.organisation_id, title)
    if clash is not None:
        raise ValidationError({"title": duplicate_title_message(clash)})
    new = Cycle(
        organisation_id=locked.organisation_id,
        title=title,
        inequality=locked.inequality,
        place=locked.place,
        population_groups=list(locked.population_groups),
        lead=locked.lead,
        status=CycleStatus.DRAFT,
        current_stage=1,
        start_date=start_date,
        previous_iteration=locked,
        iteration=locked.iteration + 1,
    )
    new.slug = cycle_unique_slug(locked.organisation, title, start_date=start_date)
    new.full_clean()
    new.save()
    new.community_leads.set(locked.community_leads.all())
    new.governance_members.set(locked.governance_members.all())
    for carry_over in registry.all(CarryOver):
        carry_over.call("carry", old=locked, new=new, by=by)
    # The closing cycle's page links to its next iteration.
    cycle_changed(cycle)
    cycle_changed(new)
    return new
