"""Writes for the next iteration (registered in registrations.py): what a new iteration of a
cycle takes from the old one."""

from cycles.models import Cycle
from t2a import audit
from t2a.models import User

from ..models import (
    ACTION_CARRIED,
    Action,
    ActionHandover,
    ActionPlan,
    Evaluation,
    PlanStatus,
    Priority,
)
from ..selectors.closure import actions_left_open
from .plan import action_plan_move


def open_actions_carry(*, old: Cycle, new: Cycle, by: User) -> None:
    """Copy the old cycle's open actions (with the priorities they serve) into a draft
    plan of the new cycle, and record each as handed over."""
    open_actions = list(
        actions_left_open([old.pk]).select_related("priority", "plan").order_by("pk")
    )
    if not open_actions:
        return
    org_id = new.organisation_id
    plan = ActionPlan.objects.create(organisation_id=org_id, cycle=new)
    priorities: dict[int, Priority] = {}
    for action in open_actions:
        if action.priority_id not in priorities:
            priorities[action.priority_id] = Priority(
                organisation_id=org_id,
                cycle=new,
                title=action.priority.title,
                description=action.priority.description,
                created_by=by,
            )
    Priority.objects.bulk_create(priorities.values())
    copies = Action.objects.bulk_create(
        Action(
            organisation_id=org_id,
            plan=plan,
            priority=priorities[action.priority_id],
            **{name: getattr(action, name) for name in ACTION_CARRIED},
        )
        for action in open_actions
    )
    audit.record_bulk_created(copies)
    ActionHandover.objects.bulk_create(
        ActionHandover(
            organisation_id=org_id,
            cycle=old,
            next_cycle=new,
            action=action,
            carried_to=copy,
            handed_over_by=by,
        )
        for action, copy in zip(open_actions, copies, strict=True)
    )
    # The old plan's open actions now live on in the new one: stop asking for progress
    # updates on both (reminders follow plans in delivery).
    if open_actions[0].plan.status == PlanStatus.IN_DELIVERY:
        action_plan_move(cycle=old, by=by, to=PlanStatus.CLOSED)


def what_to_adapt_carry(*, old: Cycle, new: Cycle, by: User) -> None:
    """The evaluation's "what to adapt" becomes the new iteration's starting notes."""
    notes = Evaluation.objects.filter(cycle=old).values_list("what_to_adapt", flat=True).first()
    if notes:
        Cycle.objects.filter(pk=new.pk).update(starting_notes=notes)
        new.starting_notes = notes
