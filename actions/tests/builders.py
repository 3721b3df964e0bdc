"""Plain builders for action-plan test rows. They disable scopes only while building."""

from datetime import date

from django.utils import timezone
from django_scopes import scopes_disabled

from actions.models import Action, ActionPlan, Escalation, Priority, ProgressUpdate


def make_priority(cycle, title: str = "Being listened to", **fields) -> Priority:
    with scopes_disabled():
        priority, _ = Priority.objects.get_or_create(
            organisation_id=cycle.organisation_id, cycle=cycle, title=title, defaults=fields
        )
    return priority


def make_plan(cycle, **fields) -> ActionPlan:
    with scopes_disabled():
        plan, _ = ActionPlan.objects.get_or_create(
            organisation_id=cycle.organisation_id, cycle=cycle, defaults=fields
        )
    return plan


def make_action(cycle, title: str = "Evening clinic", *, priority=None, **fields) -> Action:
    plan = make_plan(cycle)
    priority = priority or make_priority(cycle)
    values = {
        "start_date": date(2026, 1, 5),
        "due_date": date(2026, 3, 1),
        "community_measure": "Women who work shifts can get an appointment",
        "specific_result": "A weekly evening antenatal clinic",
        "metric": "Evening appointments booked per month",
        "baseline": "0",
        "target": "40",
    } | fields
    with scopes_disabled():
        return Action.objects.create(
            organisation_id=cycle.organisation_id,
            plan=plan,
            priority=priority,
            title=title,
            **values,
        )


def make_update(action, *, status: str = "on_track", public: bool = False, when=None, **fields):
    with scopes_disabled():
        return ProgressUpdate.objects.create(
            organisation_id=action.organisation_id,
            action=action,
            status=status,
            narrative=fields.pop("narrative", "Room booked, midwives rostered."),
            public=public,
            created_at=when or timezone.now(),
            **fields,
        )


def make_escalation(action, *, raised_by=None, reason: str = "No budget for interpreters"):
    with scopes_disabled():
        return Escalation.objects.create(
            organisation_id=action.organisation_id,
            action=action,
            reason=reason,
            raised_by=raised_by,
            raised_at=timezone.now(),
        )


def make_evaluation(cycle, **fields):
    from actions.models import Evaluation

    with scopes_disabled():
        evaluation, _ = Evaluation.objects.update_or_create(
            organisation_id=cycle.organisation_id, cycle=cycle, defaults=fields
        )
    return evaluation


def make_effect(cycle, description: str = "Amina runs the walking group", **fields):
    from actions.models import RippleEffect

    values = {"level": "individual"} | fields
    with scopes_disabled():
        return RippleEffect.objects.create(
            organisation_id=cycle.organisation_id, cycle=cycle, description=description, **values
        )
