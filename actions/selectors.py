"""Reads for priorities, the action plan, sign-off state, progress and escalations.

Every read that lists rows does so in a fixed number of queries, however many actions the
plan has (the plan page is checked from 10 to 1,000 actions).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import (
    DateField,
    DateTimeField,
    Exists,
    F,
    Func,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce, Greatest, TruncDate
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone

from cycles.models import Cycle
from cycles.selectors import cycles_visible_to
from t2a.models import Membership, Role, User

from . import content
from .models import (
    FINISHED_STATUSES,
    Action,
    ActionPlan,
    Decision,
    Escalation,
    PlanStatus,
    Priority,
    PriorityInsight,
    PriorityRanking,
    ProgressUpdate,
    RoundStatus,
    SignOff,
    SignOffRound,
)


def insight_linked_to_priority() -> Exists:
    """True for an insight that some priority answers (used by feedback's closure counts).

    Built on the base manager so it can be made at import time; it correlates on the outer
    insight, whose own query is already limited to the organisation.
    """
    return Exists(PriorityInsight._base_manager.filter(insight=OuterRef("pk")))


# --- fetching for a request ----------------------------------------------------------------


def get_priority_for_request(request: HttpRequest, priority_pk: int) -> Priority:
    return get_object_or_404(
        Priority.objects.filter(cycle__in=cycles_visible_to(request.membership)).select_related(
            "cycle"
        ),
        pk=priority_pk,
    )


def get_action_for_request(request: HttpRequest, action_pk: int) -> Action:
    return get_object_or_404(
        Action.objects.filter(plan__cycle__in=cycles_visible_to(request.membership)).select_related(
            "plan__cycle", "priority", "owner"
        ),
        pk=action_pk,
    )


def escalations_visible_to(membership: Membership) -> QuerySet[Escalation]:
    return Escalation.objects.filter(
        action__plan__cycle__in=cycles_visible_to(membership)
    ).select_related("action__plan__cycle", "raised_by", "decided_by")


def get_escalation_for_request(request: HttpRequest, escalation_pk: int) -> Escalation:
    return get_object_or_404(escalations_visible_to(request.membership), pk=escalation_pk)


def plan_for(cycle: Cycle) -> ActionPlan | None:
    return ActionPlan.objects.filter(cycle=cycle).first()


# --- people ------------------------------------------------------------------------------


def community_leads_of(cycle: Cycle) -> list[User]:
    """The cycle's community leads who still hold the community-lead role here.

    Someone taken off the cycle, or whose role changed, no longer counts towards sign-off.
    """
    lead_ids = Membership.objects.filter(
        organisation_id=cycle.organisation_id, role=Role.COMMUNITY_LEAD
    ).values("user_id")
    return list(cycle.community_leads.filter(pk__in=lead_ids).order_by("full_name", "email"))


def is_signing_lead(membership: Membership, cycle: Cycle) -> bool:
    return (
        membership.role == Role.COMMUNITY_LEAD
        and cycle.community_leads.filter(pk=membership.user_id).exists()
    )


# --- priorities ----------------------------------------------------------------------------


@dataclass
class RankedPriority:
    priority: Priority
    points: int = 0
    ranked_by: int = 0
    insight_count: int = 0
    theme_names: list[str] = field(default_factory=list)


def combined_ranking(*, cycle: Cycle) -> tuple[list[RankedPriority], int]:
    """The cycle's priorities in combined order, and how many leads have ranked.

    Combined with a Borda count: in a lead's list of n, position p earns n - p + 1 points,
    so a lead who ranked fewer priorities (some added later) still counts fairly.
    Three queries.
    """
    priorities = list(
        Priority.objects.filter(cycle=cycle).prefetch_related("themes").select_related("agreed_by")
    )
    ranked = {
        p.pk: RankedPriority(priority=p, theme_names=[t.name for t in p.themes.all()])
        for p in priorities
    }
    rows = list(
        PriorityRanking.objects.filter(cycle=cycle).values_list(
            "lead_id", "priority_id", "position"
        )
    )
    per_lead: dict[int, int] = defaultdict(int)
    for lead_id, _, _ in rows:
        per_lead[lead_id] += 1
    for lead_id, priority_id, position in rows:
        if priority_id in ranked:
            ranked[priority_id].points += per_lead[lead_id] - position + 1
            ranked[priority_id].ranked_by += 1
    counts = (
        PriorityInsight.objects.filter(priority__cycle=cycle).values_list("priority_id").order_by()
    )
    for (priority_id,) in counts:
        if priority_id in ranked:
            ranked[priority_id].insight_count += 1
    ordered = sorted(ranked.values(), key=lambda r: (-r.points, r.priority.title.casefold()))
    return ordered, len(per_lead)


def lead_ranking(*, cycle: Cycle, lead: User) -> dict[int, int]:
    """{priority_pk: position} as this lead last ranked them."""
    return dict(
        PriorityRanking.objects.filter(cycle=cycle, lead=lead).values_list(
            "priority_id", "position"
        )
    )


# --- sign-off state ------------------------------------------------------------------------


@dataclass
class SignOffState:
    plan: ActionPlan
    round: SignOffRound | None  # the open round, else the latest one
    leads: list[User]
    approvals: list[SignOff]
    change_requests: list[SignOff]
    pending: list[User]

    @property
    def required(self) -> int:
        if self.plan.min_approvals is not None:
            return self.plan.min_approvals
        return len(self.leads)

    @property
    def is_open(self) -> bool:
        return self.round is not None and self.round.status == RoundStatus.OPEN

    @property
    def met(self) -> bool:
        """Enough current leads approved, and none of them is still asking for changes."""
        return (
            self.is_open
            and self.required > 0
            and len(self.approvals) >= self.required
            and not self.change_requests
        )

    @property
    def impossible(self) -> bool:
        return self.required > len(self.leads)


def signoff_state(plan: ActionPlan) -> SignOffState:
    """Who has answered the current round, counting only leads still on the cycle."""
    leads = community_leads_of(plan.cycle)
    current = SignOffRound.objects.filter(plan=plan).select_related("sent_by").first()
    signoffs = (
        list(SignOff.objects.filter(round=current).select_related("lead"))
        if current is not None
        else []
    )
    lead_ids = {u.pk for u in leads}
    counted = [s for s in signoffs if s.lead_id in lead_ids]
    answered = {s.lead_id for s in counted}
    return SignOffState(
        plan=plan,
        round=current,
        leads=leads,
        approvals=[s for s in counted if s.decision == Decision.APPROVE],
        change_requests=[s for s in counted if s.decision == Decision.REQUEST_CHANGES],
        pending=[u for u in leads if u.pk not in answered],
    )


def last_reference_round(plan: ActionPlan) -> SignOffRound | None:
    """The round to compare the current plan with: the last signed off, else the last sent."""
    rounds = SignOffRound.objects.filter(plan=plan)
    return rounds.filter(status=RoundStatus.SIGNED_OFF).first() or rounds.first()


def plan_actions(plan: ActionPlan) -> QuerySet[Action]:
    return Action.objects.filter(plan=plan).select_related("priority", "owner")


def current_snapshot(plan: ActionPlan) -> dict:
    return content.snapshot(plan_actions(plan))


def changes_since_reference(plan: ActionPlan) -> tuple[SignOffRound | None, list]:
    reference = last_reference_round(plan)
    if reference is None:
        return None, []
    now = current_snapshot(plan)
    if content.content_hash(now["content"]) == reference.content_hash:
        return reference, []
    return reference, content.diff(reference.snapshot, now)


def changes_in_round(plan: ActionPlan, signoff_round: SignOffRound) -> list:
    """What a round changed against the last signed-off round before it (else the one
    before it): what a lead needs to read again."""
    earlier = SignOffRound.objects.filter(plan=plan, version__lt=signoff_round.version)
    reference = earlier.filter(status=RoundStatus.SIGNED_OFF).first() or earlier.first()
    if reference is None:
        return []
    return content.diff(reference.snapshot, signoff_round.snapshot)


# --- the plan table ------------------------------------------------------------------------


class AddDays(Func):
    """`date + days` as a date, on PostgreSQL (`date + integer`) and SQLite (`date()`)."""

    arity = 2
    output_field = DateField()

    def as_sql(self, compiler, connection, **extra_context):
        day, days = self.source_expressions
        day_sql, day_params = compiler.compile(day)
        days_sql, days_params = compiler.compile(days)
        return f"({day_sql} + {days_sql})", (*day_params, *days_params)

    def as_sqlite(self, compiler, connection, **extra_context):
        day, days = self.source_expressions
        day_sql, day_params = compiler.compile(day)
        days_sql, days_params = compiler.compile(days)
        return f"date({day_sql}, ({days_sql}) || ' days')", (*day_params, *days_params)


def with_update_due(actions: QuerySet[Action]) -> QuerySet[Action]:
    """Annotate when the community should next hear about each action, in SQL.

    `update_due_on` is the cadence counted from the last progress update (internal or
    public), or, before the first one, from when the plan was signed off or the action
    began, whichever is later (`update_start_on`). `last_update_at` is the latest update.
    One correlated subquery on the (action, -created_at) index: the reminder sweep runs
    this over 100,000 actions, and the plan page and the governance dashboard use the
    same rule.
    """
    # The base manager, not the scoped one: the outer action already belongs to the
    # organisation, and an extra organisation_id condition tempts PostgreSQL into
    # intersecting with the organisation index (every update of the organisation) on
    # each row instead of reading one entry of the (action, -created_at) index.
    latest = (
        ProgressUpdate._base_manager.filter(action=OuterRef("pk"))
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    created = TruncDate("created_at")
    start = Greatest(
        created,
        Coalesce("start_date", created),
        Coalesce(TruncDate("plan__signed_off_at"), created),
    )
    return actions.annotate(
        last_update_at=Subquery(latest, output_field=DateTimeField()),
        update_start_on=start,
    ).annotate(
        update_due_on=AddDays(
            Coalesce(TruncDate("last_update_at"), F("update_start_on")), F("cadence_days")
        ),
    )


def expects_updates(*, status: str, in_scope: bool, plan_status: str) -> bool:
    """Whether the community is owed progress updates on an action (as below, in Python)."""
    return plan_status == PlanStatus.IN_DELIVERY and in_scope and status not in FINISHED_STATUSES


def actions_expecting_updates(actions: QuerySet[Action] | None = None) -> QuerySet[Action]:
    """Actions the community expects to hear about: in delivery, in scope, not finished."""
    actions = Action.objects.all() if actions is None else actions
    return with_update_due(
        actions.filter(plan__status=PlanStatus.IN_DELIVERY, in_scope=True).exclude(
            status__in=FINISHED_STATUSES
        )
    )


def actions_overdue_for_update(actions: QuerySet[Action], *, today: date) -> QuerySet[Action]:
    """Of `actions`, those whose progress update is overdue (its due date has passed)."""
    return actions_expecting_updates(actions).filter(update_due_on__lt=today)


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


def action_updates(action: Action) -> QuerySet:
    return action.updates.select_related("created_by")


def action_escalations(action: Action) -> QuerySet[Escalation]:
    return action.escalations.select_related("raised_by", "decided_by")


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


def open_escalation_count(membership: Membership) -> int:
    return escalations_visible_to(membership).filter(decided_at__isnull=True).count()
