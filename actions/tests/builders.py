"""Plain builders for action-plan test rows. They disable scopes only while building."""

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone
from django_scopes import scopes_disabled

from actions.models import (
    Action,
    ActionPlan,
    ActionStatus,
    Escalation,
    Evaluation,
    PlanStatus,
    Priority,
    ProgressUpdate,
    RippleEffect,
    RoundStatus,
    SignOffRound,
)
from actions.selectors import content
from feedback.tests.builders import make_insight, make_public_page, make_report_back

# A numeric measure: average wait for a first appointment, from 60 days down to 30.
NUMERIC = {
    "metric": "Average wait for a first appointment",
    "measure_kind": "numeric",
    "measure_unit": "days",
    "baseline": "",
    "target": "",
    "baseline_value": Decimal("60"),
    "target_value": Decimal("30"),
}

# An internal progress update's words, which must never reach the public.
INTERNAL_UPDATE = "Finance have not agreed the interpreter budget yet"


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


def make_signed_off(cycle, *, when=None, **fields) -> SignOffRound:
    """Record the plan's actions as they are now as the next version the community signed
    off (what the public page shows), without going through the leads' answers."""
    plan = make_plan(cycle)
    when = when or timezone.now()
    with scopes_disabled():
        snap = content.snapshot(
            Action.objects.filter(plan=plan).select_related("priority", "owner")
        )
        plan.version += 1
        plan.save(update_fields=["version"])
        return SignOffRound.objects.create(
            organisation_id=cycle.organisation_id,
            plan=plan,
            version=plan.version,
            content_hash=content.content_hash(snap["content"]),
            snapshot=snap,
            status=RoundStatus.SIGNED_OFF,
            sent_at=when,
            closed_at=when,
            **fields,
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


def make_evaluation(cycle, **fields) -> Evaluation:
    with scopes_disabled():
        evaluation, _ = Evaluation.objects.update_or_create(
            organisation_id=cycle.organisation_id, cycle=cycle, defaults=fields
        )
    return evaluation


def make_effect(cycle, description: str = "Amina runs the walking group", **fields) -> RippleEffect:
    values = {"level": "individual"} | fields
    with scopes_disabled():
        return RippleEffect.objects.create(
            organisation_id=cycle.organisation_id, cycle=cycle, description=description, **values
        )


def fill_plan(cycle, owners, n: int) -> None:
    """A plan of `n` actions over five priorities, half with an update 40 days old and
    every seventh escalated (for query counts at 10 and at 1,000 actions)."""
    plan = make_plan(cycle)
    priorities = [make_priority(cycle, f"Priority {i}") for i in range(5)]
    with scopes_disabled():
        actions = Action.objects.bulk_create(
            Action(
                organisation_id=cycle.organisation_id,
                plan=plan,
                priority=priorities[i % 5],
                title=f"Action {i}",
                owner=owners[i % len(owners)],
                partners="Northgate Buses\nFaith forum",
                start_date=date(2026, 1, 1),
                due_date=date(2026, 1, 1) + timedelta(days=i % 200),
                metric="Appointments",
                target="40",
                status=["on_track", "at_risk", "off_track", "not_started"][i % 4],
            )
            for i in range(n)
        )
        ProgressUpdate.objects.bulk_create(
            ProgressUpdate(
                organisation_id=cycle.organisation_id,
                action=a,
                status=a.status,
                narrative="Going well.",
                created_at=timezone.now() - timedelta(days=40),
            )
            for a in actions[::2]
        )
        Escalation.objects.bulk_create(
            Escalation(
                organisation_id=cycle.organisation_id,
                action=a,
                reason="Blocked",
                raised_at=timezone.now(),
            )
            for a in actions[::7]
        )


def make_delivered_plan(cycle) -> dict:
    """A plan in delivery: two in-scope actions of an agreed priority, one out of scope,
    one public and one internal update, and a published report-back of the first action."""
    now = timezone.now()
    priority = make_priority(
        cycle,
        "Getting there",
        description="Make travel affordable.",
        agreed_on=timezone.localdate(),
    )
    make_plan(cycle, status=PlanStatus.IN_DELIVERY, signed_off_at=now)
    fares = make_action(
        cycle,
        "Free bus passes",
        priority=priority,
        status=ActionStatus.ON_TRACK,
        community_measure="Families get to scans without paying",
        due_date=date(2026, 6, 30),
    )
    interpreters = make_action(
        cycle, "Interpreters at every scan", priority=priority, status=ActionStatus.AT_RISK
    )
    public = make_update(
        fares,
        public=True,
        narrative="The council agreed to fund bus passes.",
        when=now - timedelta(days=3),
    )
    internal = make_update(fares, public=False, narrative=INTERNAL_UPDATE, when=now)
    make_action(
        cycle,
        "Free hospital parking",
        priority=priority,
        in_scope=False,
        out_of_scope_reason="Parking charges are set by the trust's national contract.",
    )
    report_back = make_report_back(
        cycle,
        "What you told us about travel",
        insights=[make_insight(cycle, "Buses cost too much.")],
        actions=[fares],
        progress_updates=[public],
        published_at=now - timedelta(days=1),
    )
    make_public_page(cycle, how_to_get_involved="Come to the café at Highfields library.")
    make_signed_off(cycle, when=now - timedelta(days=10))
    return {
        "fares": fares,
        "interpreters": interpreters,
        "public": public,
        "internal": internal,
        "report_back": report_back,
    }
