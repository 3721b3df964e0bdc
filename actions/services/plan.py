"""Writes for the action plan: its actions, and the plan's lifecycle.

The sign-off state machine (sending and answering rounds: services/signoff.py):

    draft ──send──▶ awaiting sign-off ──enough approvals──▶ signed off ──▶ in delivery ──▶ closed
      ▲                    │                                     │              │
      └──── any edit to the plan's content (supersedes the round and its sign-offs) ◀─┘

Every function that reads or changes the plan's content or its sign-off state first locks
the plan row (`select_for_update`). Edits and approvals on one plan therefore run one after
the other: an approval never counts towards content it did not see, and two leads approving
at once cannot both miss (or both make) the final approval.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cycles.models import Cycle
from cycles.services.versions import cycle_changed
from t2a import audit
from t2a.models import User

from ..models import (
    ACTION_CONTENT,
    Action,
    ActionPlan,
    MeasureKind,
    PlanStatus,
    RoundStatus,
    SignOff,
    SignOffRound,
    SupersededBecause,
)
from ..selectors.signoff import current_hash, was_signed_off


def action_plan_lock(cycle: Cycle) -> ActionPlan | None:
    """The cycle's plan, its row locked until the transaction ends (None if it has none)."""
    return ActionPlan.objects.select_for_update().filter(cycle=cycle).first()


def action_plan_lock_or_create(cycle: Cycle) -> ActionPlan:
    """The cycle's plan, locked, made first if the cycle has none."""
    plan = action_plan_lock(cycle)
    if plan is None:
        # Two first actions at once: the unique constraint lets one create, the other waits
        # for it and finds the row.
        ActionPlan.objects.get_or_create(organisation_id=cycle.organisation_id, cycle=cycle)
        plan = action_plan_lock(cycle)
    return plan


def action_plan_content_changed(plan: ActionPlan) -> bool:
    """After an edit (plan locked): if the content now differs from what the latest round
    carried, supersede that round and its sign-offs and return the plan to draft."""
    latest = SignOffRound.objects.filter(plan=plan).first()
    if latest is None or plan.status == PlanStatus.DRAFT:
        return False
    if current_hash(plan) == latest.content_hash:
        return False
    action_plan_supersede(plan, latest)
    return True


def action_plan_supersede(
    plan: ActionPlan,
    latest: SignOffRound,
    because: SupersededBecause = SupersededBecause.CONTENT,
) -> None:
    """Void the plan's sign-offs and its latest round, and return it to draft (plan locked).

    A round that was signed off stays signed off: the community did agree that version, and
    the public page keeps showing it until they sign off the next one.
    """
    now = timezone.now()
    current = SignOff.objects.filter(round__plan=plan, superseded_at__isnull=True)
    audit.record_bulk_updated(list(current), superseded_at=now)
    current.update(superseded_at=now)
    if latest.status == RoundStatus.OPEN:
        latest.status = RoundStatus.SUPERSEDED
        latest.superseded_because = because
        latest.closed_at = now
        latest.save(update_fields=["status", "superseded_because", "closed_at"])
    plan.status = PlanStatus.DRAFT
    plan.signed_off_at = None
    plan.save(update_fields=["status", "signed_off_at", "updated_at"])
    cycle_changed(plan.cycle_id)


def _validate_action(action: Action) -> None:
    errors: dict[str, list[str]] = {}
    if action.start_date and action.due_date and action.due_date < action.start_date:
        errors["due_date"] = ["The due date must be on or after the start date."]
    if action.target and not action.metric:
        errors["metric"] = ["Say what you will measure, so the target means something."]
    if action.measure_kind == MeasureKind.NUMERIC:
        if not action.metric:
            errors["metric"] = ["Say what the number measures, like average wait in days."]
        if not action.measure_unit:
            errors["measure_unit"] = ["Enter the unit of the number, like days or people."]
        if action.baseline_value is None:
            errors["baseline"] = ["Enter the baseline as a number."]
        if action.target_value is None:
            errors["target"] = ["Enter the target as a number."]
        if action.baseline or action.target:
            errors.setdefault("target", []).append(
                "A numeric measure keeps its baseline and target as numbers, not words."
            )
    elif action.measure_unit or (action.baseline_value, action.target_value) != (None, None):
        errors["measure_kind"] = ["Choose a number to give the measure a unit and numbers."]
    if not action.in_scope and not action.out_of_scope_reason.strip():
        errors["out_of_scope_reason"] = [
            "Say why this is out of scope: if an area cannot be influenced, say so and why."
        ]
    if action.priority_id and action.priority.cycle_id != action.plan.cycle_id:
        errors["priority"] = ["Choose one of this cycle's priorities."]
    if errors:
        raise ValidationError(errors)
    action.full_clean()


@transaction.atomic
def action_create(*, cycle: Cycle, by: User, fields: dict) -> Action:
    plan = action_plan_lock_or_create(cycle)
    action = Action(organisation_id=cycle.organisation_id, plan=plan)
    for name in ACTION_CONTENT:
        if name in fields:
            setattr(action, name, fields[name])
    _validate_action(action)
    action.save()
    action_plan_content_changed(plan)
    cycle_changed(cycle)
    return action


@transaction.atomic
def action_update(*, action: Action, by: User, fields: dict) -> Action:
    plan = action_plan_lock(action.plan.cycle)
    action.plan = plan
    for name in ACTION_CONTENT:
        if name in fields:
            setattr(action, name, fields[name])
    _validate_action(action)
    action.save()
    action_plan_content_changed(plan)
    cycle_changed(plan.cycle_id)
    return action


@transaction.atomic
def action_delete(*, action: Action, by: User) -> None:
    """Remove an action the community has never signed off.

    Once signed off, an action stays on the record (and on the public page) with its
    updates: it can be dropped, with a reason for the public, but not deleted.
    """
    plan = action_plan_lock(action.plan.cycle)
    if was_signed_off(action):
        raise ValidationError(
            "The community signed off this action, so it stays on the plan and the public "
            "page with its progress. To stop it, add a progress update that marks it "
            "dropped and says why."
        )
    action.delete()
    action_plan_content_changed(plan)
    cycle_changed(plan.cycle_id)


@transaction.atomic
def action_plan_move(*, cycle: Cycle, by: User, to: str) -> ActionPlan:
    """Signed off → in delivery → closed."""
    allowed = {
        PlanStatus.IN_DELIVERY: PlanStatus.SIGNED_OFF,
        PlanStatus.CLOSED: PlanStatus.IN_DELIVERY,
    }
    plan = action_plan_lock(cycle)
    if plan is None or to not in allowed or plan.status != allowed[to]:
        raise ValidationError(
            "Only a signed-off plan can go into delivery, and only a plan in delivery can close."
        )
    plan.status = to
    plan.save(update_fields=["status", "updated_at"])
    cycle_changed(cycle)
    return plan
