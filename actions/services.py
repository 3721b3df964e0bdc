"""Writes for priorities, the action plan and its sign-off state machine, and progress.

The sign-off state machine:

    draft ──send──▶ awaiting sign-off ──enough approvals──▶ signed off ──▶ in delivery ──▶ closed
      ▲                    │                                     │              │
      └──── any edit to the plan's content (supersedes the round and its sign-offs) ◀─┘

Every function that reads or changes the plan's content or its sign-off state first locks
the plan row (`select_for_update`). Edits and approvals on one plan therefore run one after
the other: an approval never counts towards content it did not see, and two leads approving
at once cannot both miss (or both make) the final approval.
"""

from collections.abc import Iterable, Sequence
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cycles.models import Cycle
from t2a import audit
from t2a.models import Membership, User
from t2a.notifications import notification_create

from . import content, selectors
from .models import (
    Action,
    ActionPlan,
    ActionStatus,
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

ACTION_FIELDS = (
    "priority",
    "title",
    "description",
    "owner",
    "partners",
    "start_date",
    "due_date",
    "community_measure",
    "specific_result",
    "metric",
    "baseline",
    "target",
    "in_scope",
    "out_of_scope_reason",
    "cadence_days",
)


# --- priorities ----------------------------------------------------------------------------


def _set_priority_links(priority: Priority, themes, insights) -> None:
    priority.themes.set(themes)
    wanted = {i.pk for i in insights}
    PriorityInsight.objects.filter(priority=priority).exclude(insight_id__in=wanted).delete()
    have = set(
        PriorityInsight.objects.filter(priority=priority).values_list("insight_id", flat=True)
    )
    PriorityInsight.objects.bulk_create(
        PriorityInsight(organisation_id=priority.organisation_id, priority=priority, insight_id=pk)
        for pk in sorted(wanted - have)
    )


def _check_links(cycle: Cycle, themes, insights) -> None:
    if any(t.cycle_id != cycle.pk for t in themes) or any(i.cycle_id != cycle.pk for i in insights):
        raise ValidationError("Themes and insight must come from this cycle.")


@transaction.atomic
def priority_create(
    *, cycle: Cycle, by: User, title: str, description: str = "", themes=(), insights=()
) -> Priority:
    _check_links(cycle, themes, insights)
    if Priority.objects.filter(cycle=cycle, title=title).exists():
        raise ValidationError({"title": "This cycle already has a priority with that title."})
    priority = Priority(
        organisation_id=cycle.organisation_id,
        cycle=cycle,
        title=title,
        description=description,
        created_by=by,
    )
    priority.full_clean()
    priority.save()
    _set_priority_links(priority, themes, insights)
    return priority


@transaction.atomic
def priority_update(
    *, priority: Priority, by: User, title: str, description: str = "", themes=(), insights=()
) -> Priority:
    """Change a priority. Its title is plan content, so a new title may supersede sign-off."""
    plan = _lock_plan(priority.cycle)
    _check_links(priority.cycle, themes, insights)
    if Priority.objects.filter(cycle=priority.cycle, title=title).exclude(pk=priority.pk).exists():
        raise ValidationError({"title": "This cycle already has a priority with that title."})
    priority.title = title
    priority.description = description
    priority.full_clean()
    priority.save()
    _set_priority_links(priority, themes, insights)
    if plan is not None:
        _content_changed(plan)
    return priority


@transaction.atomic
def priority_rank(*, cycle: Cycle, lead: User, order: Sequence[Priority]) -> None:
    """Replace this lead's ranking of the cycle's priorities with `order` (first = 1)."""
    if len({p.pk for p in order}) != len(order) or any(p.cycle_id != cycle.pk for p in order):
        raise ValidationError("Give each of this cycle's priorities one position.")
    PriorityRanking.objects.filter(cycle=cycle, lead=lead).delete()
    PriorityRanking.objects.bulk_create(
        PriorityRanking(
            organisation_id=cycle.organisation_id,
            cycle=cycle,
            lead=lead,
            priority=priority,
            position=n,
        )
        for n, priority in enumerate(order, start=1)
    )


@transaction.atomic
def priorities_agree(
    *, cycle: Cycle, by: User, priorities: Iterable[Priority], agreed_on: date
) -> int:
    """Record the agreed set: these priorities, agreed on this date; the others are not."""
    chosen = [p.pk for p in priorities]
    if not chosen:
        raise ValidationError({"priorities": "Choose at least one agreed priority."})
    if agreed_on > timezone.localdate():
        raise ValidationError({"agreed_on": "The date agreed cannot be in the future."})
    Priority.objects.filter(cycle=cycle).exclude(pk__in=chosen).update(
        agreed_on=None, agreed_by=None
    )
    return Priority.objects.filter(cycle=cycle, pk__in=chosen).update(
        agreed_on=agreed_on, agreed_by=by
    )


# --- the plan and its content --------------------------------------------------------------


def _lock_plan(cycle: Cycle) -> ActionPlan | None:
    return ActionPlan.objects.select_for_update().filter(cycle=cycle).first()


def _lock_or_create_plan(cycle: Cycle) -> ActionPlan:
    plan = _lock_plan(cycle)
    if plan is None:
        # Two first actions at once: the unique constraint lets one create, the other waits
        # for it and finds the row.
        ActionPlan.objects.get_or_create(organisation_id=cycle.organisation_id, cycle=cycle)
        plan = _lock_plan(cycle)
    return plan


def _current_hash(plan: ActionPlan) -> str:
    return content.content_hash(content.plan_content(selectors.plan_actions(plan)))


def _content_changed(plan: ActionPlan) -> bool:
    """After an edit (plan locked): if the content now differs from what the latest round
    carried, supersede that round and its sign-offs and return the plan to draft."""
    latest = SignOffRound.objects.filter(plan=plan).first()
    if latest is None or plan.status == PlanStatus.DRAFT:
        return False
    if _current_hash(plan) == latest.content_hash:
        return False
    _supersede(plan, latest)
    return True


def _supersede(plan: ActionPlan, latest: SignOffRound) -> None:
    now = timezone.now()
    current = SignOff.objects.filter(round__plan=plan, superseded_at__isnull=True)
    audit.record_bulk_updated(list(current), superseded_at=now)
    current.update(superseded_at=now)
    if latest.status == RoundStatus.OPEN:
        latest.status = RoundStatus.SUPERSEDED
        latest.closed_at = now
        latest.save(update_fields=["status", "closed_at"])
    plan.status = PlanStatus.DRAFT
    plan.signed_off_at = None
    plan.save(update_fields=["status", "signed_off_at", "updated_at"])


def _validate_action(action: Action) -> None:
    errors: dict[str, list[str]] = {}
    if action.start_date and action.due_date and action.due_date < action.start_date:
        errors["due_date"] = ["The due date must be on or after the start date."]
    if action.target and not action.metric:
        errors["metric"] = ["Say what you will measure, so the target means something."]
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
    plan = _lock_or_create_plan(cycle)
    action = Action(organisation_id=cycle.organisation_id, plan=plan)
    for name in ACTION_FIELDS:
        if name in fields:
            setattr(action, name, fields[name])
    _validate_action(action)
    action.save()
    _content_changed(plan)
    return action


@transaction.atomic
def action_update(*, action: Action, by: User, fields: dict) -> Action:
    plan = _lock_plan(action.plan.cycle)
    action.plan = plan
    for name in ACTION_FIELDS:
        if name in fields:
            setattr(action, name, fields[name])
    _validate_action(action)
    action.save()
    _content_changed(plan)
    return action


@transaction.atomic
def action_delete(*, action: Action, by: User) -> None:
    plan = _lock_plan(action.plan.cycle)
    action.delete()
    _content_changed(plan)


# --- sign-off ------------------------------------------------------------------------------


def _plan_url(plan: ActionPlan, name: str = "plan_detail") -> str:
    cycle = plan.cycle
    return reverse(f"actions:{name}", args=[cycle.organisation.slug, cycle.pk])


@transaction.atomic
def action_plan_send_for_signoff(*, cycle: Cycle, by: User) -> SignOffRound:
    """Start a sign-off round on the current content and tell the community leads."""
    plan = _lock_plan(cycle)
    if plan is None or not plan.actions.exists():
        raise ValidationError("Add at least one action before sending the plan for sign-off.")
    if plan.status != PlanStatus.DRAFT:
        raise ValidationError(
            f"The plan is {plan.get_status_display().lower()}: only a draft can be sent."
        )
    leads = selectors.community_leads_of(cycle)
    if not leads:
        raise ValidationError("Add community leads to the cycle first: only they can sign off.")
    if plan.min_approvals and plan.min_approvals > len(leads):
        raise ValidationError(
            f"The plan needs {plan.min_approvals} approvals but the cycle has only "
            f"{len(leads)} community lead{'s' if len(leads) != 1 else ''}. "
            "Lower the minimum or add community leads."
        )
    now = timezone.now()
    snap = content.snapshot(selectors.plan_actions(plan))
    plan.version += 1
    plan.status = PlanStatus.AWAITING_SIGNOFF
    plan.save(update_fields=["version", "status", "updated_at"])
    signoff_round = SignOffRound.objects.create(
        organisation_id=plan.organisation_id,
        plan=plan,
        version=plan.version,
        content_hash=content.content_hash(snap["content"]),
        snapshot=snap,
        sent_by=by,
        sent_at=now,
    )
    url = _plan_url(plan, "signoff")
    for lead in leads:
        notification_create(
            organisation=cycle.organisation,
            recipient=lead,
            kind="action_plan_signoff",
            title=f"Please review the action plan for {cycle.title}",
            body=(
                f"{by} has sent version {plan.version} of the action plan for sign-off. "
                "Read it, then approve it or ask for changes."
            ),
            url=url,
        )
    return signoff_round


def _evaluate(plan: ActionPlan) -> bool:
    """Sign the plan off if the open round now has what it needs (plan locked)."""
    state = selectors.signoff_state(plan)
    if not state.met:
        return False
    # Defence in depth: the content must still be exactly what was approved.
    if _current_hash(plan) != state.round.content_hash:
        _supersede(plan, state.round)
        return False
    now = timezone.now()
    state.round.status = RoundStatus.SIGNED_OFF
    state.round.closed_at = now
    state.round.save(update_fields=["status", "closed_at"])
    plan.status = PlanStatus.SIGNED_OFF
    plan.signed_off_at = now
    plan.save(update_fields=["status", "signed_off_at", "updated_at"])
    return True


@transaction.atomic
def signoff_record(
    *,
    cycle: Cycle,
    membership: Membership,
    decision: str,
    comment: str,
    content_hash: str,
) -> SignOff:
    """A community lead approves, or asks for changes to, the exact content they read.

    Only a community lead of this cycle may answer, for themself. Submitting the same
    answer twice changes nothing; a different answer in the same round replaces theirs.
    """
    if not selectors.is_signing_lead(membership, cycle):
        raise PermissionDenied("Only the cycle's community leads can sign off the plan.")
    lead = membership.user
    comment = comment.strip()
    if decision not in Decision.values:
        raise ValidationError({"decision": "Choose whether to approve or ask for changes."})
    if decision == Decision.REQUEST_CHANGES and not comment:
        raise ValidationError({"comment": "Say what you would like changed."})
    plan = _lock_plan(cycle)
    if plan is None:
        raise ValidationError("This cycle has no action plan yet.")
    open_round = SignOffRound.objects.filter(plan=plan, status=RoundStatus.OPEN).first()
    if open_round is None:
        # A double submission that arrives after the plan was signed off is a repeat of an
        # answer already counted, not an error.
        repeat = SignOff.objects.filter(
            round__plan=plan, lead=lead, decision=decision, content_hash=content_hash
        ).first()
        if repeat is not None and repeat.comment == comment:
            return repeat
        raise ValidationError("The plan is not waiting for sign-off.")
    if content_hash != open_round.content_hash or _current_hash(plan) != open_round.content_hash:
        raise ValidationError(
            "The plan has changed since you opened it. Read the latest version and answer again."
        )
    now = timezone.now()
    signoff = SignOff.objects.filter(round=open_round, lead=lead).first()
    if signoff is not None:
        if signoff.decision == decision and signoff.comment == comment:
            return signoff
        signoff.decision, signoff.comment, signoff.decided_at = decision, comment, now
        signoff.full_clean()
        signoff.save(update_fields=["decision", "comment", "decided_at"])
    else:
        signoff = SignOff(
            organisation_id=plan.organisation_id,
            round=open_round,
            lead=lead,
            decision=decision,
            comment=comment,
            content_hash=open_round.content_hash,
            decided_at=now,
        )
        signoff.full_clean()
        signoff.save()
    if decision == Decision.REQUEST_CHANGES:
        _tell_engagement_lead(plan, lead, comment)
    _evaluate(plan)
    return signoff


def _tell_engagement_lead(plan: ActionPlan, lead: User, comment: str) -> None:
    cycle = plan.cycle
    if cycle.lead_id is None:
        return
    notification_create(
        organisation=cycle.organisation,
        recipient=cycle.lead,
        kind="action_plan_changes_requested",
        title=f"{lead} asked for changes to the action plan for {cycle.title}",
        body=comment,
        url=_plan_url(plan),
    )


@transaction.atomic
def action_plan_set_min_approvals(
    *, cycle: Cycle, by: User, min_approvals: int | None
) -> ActionPlan:
    """Set how many community leads must approve (None: all of them). Recorded."""
    plan = _lock_or_create_plan(cycle)
    if min_approvals is not None:
        if min_approvals < 1:
            raise ValidationError({"min_approvals": "At least one community lead must approve."})
        leads = len(selectors.community_leads_of(cycle))
        if min_approvals > leads:
            raise ValidationError(
                {
                    "min_approvals": f"The cycle has {leads} community lead"
                    f"{'s' if leads != 1 else ''}: the minimum cannot be more than that."
                }
            )
    plan.min_approvals = min_approvals
    plan.min_approvals_set_by = by
    plan.min_approvals_set_at = timezone.now()
    plan.save(update_fields=["min_approvals", "min_approvals_set_by", "min_approvals_set_at"])
    _evaluate(plan)
    return plan


@transaction.atomic
def action_plan_signoff_refresh(*, cycle: Cycle) -> bool:
    """Sign off a waiting plan whose round is now complete because the cycle's leads changed
    (a lead taken off the cycle no longer counts). Safe to call any number of times."""
    plan = _lock_plan(cycle)
    return plan is not None and plan.status == PlanStatus.AWAITING_SIGNOFF and _evaluate(plan)


@transaction.atomic
def action_plan_move(*, cycle: Cycle, by: User, to: str) -> ActionPlan:
    """Signed off → in delivery → closed."""
    allowed = {
        PlanStatus.IN_DELIVERY: PlanStatus.SIGNED_OFF,
        PlanStatus.CLOSED: PlanStatus.IN_DELIVERY,
    }
    plan = _lock_plan(cycle)
    if plan is None or to not in allowed or plan.status != allowed[to]:
        raise ValidationError(
            "Only a signed-off plan can go into delivery, and only a plan in delivery can close."
        )
    plan.status = to
    plan.save(update_fields=["status", "updated_at"])
    return plan


# --- progress and escalation ---------------------------------------------------------------


@transaction.atomic
def progress_update_create(
    *,
    action: Action,
    by: User,
    status: str,
    narrative: str,
    barriers: str = "",
    evidence_url: str = "",
    public: bool = False,
    dropped_reason: str = "",
) -> ProgressUpdate:
    """Record progress and move the action to `status` (not plan content: no new sign-off)."""
    action = Action.objects.select_for_update().get(pk=action.pk)
    if status == ActionStatus.DROPPED and not dropped_reason.strip():
        raise ValidationError({"dropped_reason": "Say why the action is being dropped."})
    update = ProgressUpdate(
        organisation_id=action.organisation_id,
        action=action,
        status=status,
        narrative=narrative,
        barriers=barriers,
        evidence_url=evidence_url,
        public=public,
        created_by=by,
        created_at=timezone.now(),
    )
    update.full_clean()
    update.save()
    action.status = status
    action.dropped_reason = dropped_reason.strip() if status == ActionStatus.DROPPED else ""
    action.full_clean()
    action.save(update_fields=["status", "dropped_reason", "updated_at"])
    return update


@transaction.atomic
def escalation_raise(*, action: Action, by: User, reason: str) -> Escalation:
    escalation = Escalation(
        organisation_id=action.organisation_id,
        action=action,
        reason=reason.strip(),
        raised_by=by,
        raised_at=timezone.now(),
    )
    escalation.full_clean()
    escalation.save()
    cycle = action.plan.cycle
    for member in cycle.governance_members.all():
        notification_create(
            organisation=cycle.organisation,
            recipient=member,
            kind="escalation_raised",
            title=f"Escalation on \u2018{action.title}\u2019 ({cycle.title})",
            body=escalation.reason,
            url=reverse("actions:escalation_list", args=[cycle.organisation.slug]),
        )
    return escalation


@transaction.atomic
def escalation_decide(*, escalation: Escalation, by: User, decision: str) -> Escalation:
    escalation = Escalation.objects.select_for_update().get(pk=escalation.pk)
    if escalation.decided_at is not None:
        raise ValidationError("A decision has already been recorded for this escalation.")
    decision = decision.strip()
    if not decision:
        raise ValidationError({"decision": "Write the board's decision."})
    escalation.decision = decision
    escalation.decided_by = by
    escalation.decided_at = timezone.now()
    escalation.full_clean()
    escalation.save(update_fields=["decision", "decided_by", "decided_at"])
    return escalation


def escalations_raise_for_missed_updates(
    *, organisation_id: int, missed: Iterable[tuple[int, date, int]]
) -> int:
    """Record on the governance board's list that actions went without a progress update.

    `missed` holds (action id, date the update fell due, days overdue). Run by the reminder
    sweep inside its transaction; the unique constraint on (action, update_due_on) makes
    the insert a no-op for a period already escalated. The governance members hear about
    it through the ladder's own reminder, so nothing is sent from here.
    """
    now = timezone.now()
    rows = [
        Escalation(
            organisation_id=organisation_id,
            action_id=action_id,
            reason=f"No progress update for {days} day{'s' if days != 1 else ''}: the update "
            f"promised to the community was due on {due_on:%-d %B %Y}.",
            raised_by=None,
            raised_at=now,
            update_due_on=due_on,
        )
        for action_id, due_on, days in missed
    ]
    Escalation.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    # ignore_conflicts leaves the ids unset: the rows raised now are read back for the
    # audit trail (a period already escalated kept its earlier row and time).
    raised = Escalation.objects.filter(
        organisation_id=organisation_id, raised_at=now, raised_by__isnull=True
    )
    audit.record_bulk_created(raised)
    return len(rows)
