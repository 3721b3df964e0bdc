"""Reads for the action plan: the plan table grouped by priority, the overview of every
cycle's plan, and the actions a member may open.

Every read that lists rows does so in a fixed number of queries, however many actions the
plan has (the plan page is checked from 10 to 1,000 actions).
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone

from cycles.models import Cycle
from cycles.selectors.cycles import cycles_visible_to
from t2a.models import Membership, User

from ..models import Action, ActionPlan, Escalation, PlanStatus, Priority, SignOffRound
from .progress import with_update_due


def get_action_for_request(request: HttpRequest, action_pk: int) -> Action:
    return get_object_or_404(
        Action.objects.filter(plan__cycle__in=cycles_visible_to(request.membership)).select_related(
            "plan__cycle", "priority", "owner"
        ),
        pk=action_pk,
    )


def plan_for(cycle: Cycle) -> ActionPlan | None:
    return ActionPlan.objects.filter(cycle=cycle).first()


def plan_actions(plan: ActionPlan) -> QuerySet[Action]:
    return Action.objects.filter(plan=plan).select_related("priority", "owner")


@dataclass
class PriorityGroup:
    priority: Priority
    actions: list[Action]


def plan_table(
    plan: ActionPlan,
    *,
    owner_id: int | None = None,
    status: str = "",
    overdue: bool = False,
    today: date | None = None,
) -> tuple[list[PriorityGroup], list[Action]]:
    """The plan's actions grouped by priority (filtered), and those overdue an update.

    Two queries: the actions (with owner, priority and their latest update date) and the
    escalation flags. Each action gets `last_update_at`, `update_due_on`, `is_overdue`
    and `update_overdue`.
    """
    today = today or timezone.localdate()
    actions = list(
        with_update_due(plan_actions(plan))
        .annotate(
            open_escalation=Exists(
                Escalation.objects.filter(action=OuterRef("pk"), decided_at__isnull=True)
            ),
        )
        .order_by("priority__title", "priority_id", "due_date", "pk")
    )
    overdue_updates = []
    for action in actions:
        action.is_overdue = bool(
            action.due_date and action.due_date < today and not action.is_finished
        )
        # The same rule as `overdue_updates()`, applied to rows already loaded.
        action.update_overdue = (
            plan.status == PlanStatus.IN_DELIVERY
            and not action.is_finished
            and action.in_scope
            and action.update_due_on < today
        )
        if action.update_overdue:
            overdue_updates.append(action)
    shown = actions
    if owner_id:
        shown = [a for a in shown if a.owner_id == owner_id]
    if status:
        shown = [a for a in shown if a.status == status]
    if overdue:
        shown = [a for a in shown if a.is_overdue]
    groups: dict[int, PriorityGroup] = {}
    for action in shown:
        group = groups.setdefault(action.priority_id, PriorityGroup(action.priority, []))
        group.actions.append(action)
    overdue_updates.sort(key=lambda a: (a.update_due_on, a.pk))
    return list(groups.values()), overdue_updates


def plans_by_cycle(cycles: list[Cycle]) -> dict[int, ActionPlan]:
    plans = ActionPlan.objects.filter(cycle__in=[c.pk for c in cycles]).prefetch_related(
        Prefetch("rounds", queryset=SignOffRound.objects.order_by("-version"))
    )
    return {p.cycle_id: p for p in plans}


def action_counts(plan_ids: list[int]) -> dict[int, dict[str, int]]:
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for plan_id, status in Action.objects.filter(plan_id__in=plan_ids).values_list(
        "plan_id", "status"
    ):
        counts[plan_id][status] += 1
        counts[plan_id]["total"] += 1
    return counts


def plan_owners(cycle: Cycle) -> QuerySet[User]:
    """The members who own an action of the cycle's plan (the plan page's owner filter)."""
    return User.objects.filter(
        pk__in=Action.objects.filter(plan__cycle=cycle).values("owner_id")
    ).order_by("full_name", "email")


def plan_status_counts(membership: Membership) -> dict[str, int]:
    """{plan status: how many plans} of the cycles the member sees, every status listed."""
    counts = dict.fromkeys(PlanStatus.values, 0)
    plans = ActionPlan.objects.filter(cycle__in=cycles_visible_to(membership))
    for status in plans.values_list("status", flat=True):
        counts[status] += 1
    return counts
