"""Stage readiness items that the action plan makes measurable (registered in
registrations.py, composed by the cycle's readiness checklist).

Each answers for many cycles with one query: `measure(cycles) -> {cycle_pk: met}`.
"""

from collections.abc import Sequence

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from ..models import (
    EVIDENCE_FIELDS,
    SIGNED_STATUSES,
    Action,
    ActionPlan,
    Escalation,
    Evaluation,
    PlanStatus,
    Priority,
    RippleEffect,
)
from .progress import actions_overdue_for_update


def action_plan_signed_off(cycles: Sequence) -> dict[int, bool]:
    """The cycle's plan has been signed off by its community leads, and not edited since.

    Any edit to the plan's content returns it to draft (services/plan.py), so
    the plan's status is enough.
    """
    signed = set(
        ActionPlan.objects.filter(
            cycle__in=[c.pk for c in cycles], status__in=SIGNED_STATUSES
        ).values_list("cycle_id", flat=True)
    )
    return {c.pk: c.pk in signed for c in cycles}


def priorities_ranked(cycles: Sequence) -> dict[int, bool]:
    """Community leads have ranked the priorities, and a set of them has been agreed."""
    ranked = (
        Priority.objects.filter(
            cycle__in=[c.pk for c in cycles], agreed_on__isnull=False, rankings__isnull=False
        )
        .order_by()
        .values_list("cycle_id", flat=True)
        .distinct()
    )
    met = set(ranked)
    return {c.pk: c.pk in met for c in cycles}


def progress_updates_on_time(cycles: Sequence) -> dict[int, bool]:
    """The plan is in delivery and no action is overdue for its progress update."""
    pks = [c.pk for c in cycles]
    overdue = set(
        actions_overdue_for_update(
            Action.objects.filter(plan__cycle__in=pks), today=timezone.localdate()
        )
        .order_by()
        .values_list("plan__cycle_id", flat=True)
        .distinct()
    )
    delivering = set(
        ActionPlan.objects.filter(
            cycle__in=pks, status__in=[PlanStatus.IN_DELIVERY, PlanStatus.CLOSED]
        ).values_list("cycle_id", flat=True)
    )
    return {c.pk: c.pk in delivering and c.pk not in overdue for c in cycles}


def escalations_decided(cycles: Sequence) -> dict[int, bool]:
    """Every escalation raised on the cycle's actions has a governance decision.

    A cycle with no escalation has nothing waiting for a decision, so it is met.
    """
    waiting = set(
        Escalation.objects.filter(
            action__plan__cycle__in=[c.pk for c in cycles], decided_at__isnull=True
        )
        .order_by()
        .values_list("action__plan__cycle_id", flat=True)
        .distinct()
    )
    return {c.pk: c.pk not in waiting for c in cycles}


def evaluation_written(cycles: Sequence) -> dict[int, bool]:
    """The annual evaluation says what worked and what to adapt, gives evidence of success
    under at least one heading, and the ripple-effect map has at least one effect."""
    evidence = Q()
    for name in EVIDENCE_FIELDS:
        evidence |= ~Q(**{name: ""})
    written = (
        Evaluation.objects.filter(cycle__in=[c.pk for c in cycles])
        .exclude(what_worked="")
        .exclude(what_to_adapt="")
        .filter(evidence)
        .filter(Exists(RippleEffect.objects.filter(cycle=OuterRef("cycle"))))
        .values_list("cycle_id", flat=True)
    )
    met = set(written)
    return {c.pk: c.pk in met for c in cycles}
