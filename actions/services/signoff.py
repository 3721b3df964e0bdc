"""Writes for community sign-off: sending the plan to the community leads, their answers,
and how many approvals the plan needs (the state machine is drawn in services/plan.py)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cycles.models import Cycle
from cycles.services.versions import cycle_changed
from t2a.models import Membership, User
from t2a.services.notifications import notification_create

from ..models import (
    ActionPlan,
    ApprovalRule,
    Decision,
    PlanStatus,
    RoundStatus,
    SignOff,
    SignOffRound,
    SupersededBecause,
)
from ..selectors import content
from ..selectors.plan import plan_actions
from ..selectors.signoff import (
    community_leads_of,
    current_hash,
    is_signing_lead,
    plan_rule_text,
    signoff_state,
)
from .plan import action_plan_lock, action_plan_lock_or_create, action_plan_supersede


class PlanChanged(ValidationError):
    """An answer sent for a version of the plan that is no longer the one to answer."""


def _plan_url(plan: ActionPlan, name: str = "plan_detail") -> str:
    cycle = plan.cycle
    return reverse(f"actions:{name}", args=[cycle.organisation.slug, cycle.pk])


@transaction.atomic
def action_plan_send_for_signoff(*, cycle: Cycle, by: User) -> SignOffRound:
    """Start a sign-off round on the current content and tell the community leads."""
    plan = action_plan_lock(cycle)
    if plan is None or not plan.actions.exists():
        raise ValidationError("Add at least one action before sending the plan for sign-off.")
    if plan.status != PlanStatus.DRAFT:
        raise ValidationError(
            f"The plan is {plan.get_status_display().lower()}: only a draft can be sent."
        )
    return _send(plan, cycle, by)


def _send(plan: ActionPlan, cycle: Cycle, by: User, body: str = "") -> SignOffRound:
    """Send the draft plan as a new round, under the approval rule in force now (locked)."""
    leads = community_leads_of(cycle)
    if not leads:
        raise ValidationError("Add community leads to the cycle first: only they can sign off.")
    if plan.min_approvals and plan.min_approvals > len(leads):
        raise ValidationError(
            f"The plan needs {plan.min_approvals} approvals but the cycle has only "
            f"{len(leads)} community lead{'s' if len(leads) != 1 else ''}. "
            "Lower the minimum or add community leads."
        )
    now = timezone.now()
    snap = content.snapshot(plan_actions(plan))
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
        approval_rule=ApprovalRule.MINIMUM if plan.min_approvals else ApprovalRule.ALL,
        min_approvals=plan.min_approvals,
        rule_set_by_id=plan.min_approvals_set_by_id,
        rule_set_at=plan.min_approvals_set_at,
    )
    cycle_changed(cycle)
    url = _plan_url(plan, "signoff")
    for lead in leads:
        notification_create(
            organisation=cycle.organisation,
            recipient=lead,
            kind="action_plan_signoff",
            title=f"Please review the action plan for {cycle.title}",
            body=body
            or (
                f"{by} has sent version {plan.version} of the action plan for sign-off. "
                "Read it, then approve it or ask for changes."
            ),
            url=url,
        )
    return signoff_round


def _evaluate(plan: ActionPlan) -> bool:
    """Sign the plan off if the open round now has what it needs (plan locked)."""
    state = signoff_state(plan)
    if not state.met:
        return False
    # Defence in depth: the content must still be exactly what was approved.
    if current_hash(plan) != state.round.content_hash:
        action_plan_supersede(plan, state.round)
        return False
    now = timezone.now()
    state.round.status = RoundStatus.SIGNED_OFF
    state.round.closed_at = now
    # The record keeps what held when it signed off: the leads on the cycle change later.
    state.round.approvals_required = state.required
    state.round.save(update_fields=["status", "closed_at", "approvals_required"])
    state.round.not_answered.set(state.pending)
    plan.status = PlanStatus.SIGNED_OFF
    plan.signed_off_at = now
    plan.save(update_fields=["status", "signed_off_at", "updated_at"])
    cycle_changed(plan.cycle_id)
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
    if not is_signing_lead(membership, cycle):
        raise PermissionDenied("Only the cycle's community leads can sign off the plan.")
    lead = membership.user
    comment = comment.strip()
    if decision not in Decision.values:
        raise ValidationError({"decision": "Choose whether to approve or ask for changes."})
    if decision == Decision.REQUEST_CHANGES and not comment:
        raise ValidationError({"comment": "Say what you would like changed."})
    plan = action_plan_lock(cycle)
    if plan is None:
        raise ValidationError("This cycle has no action plan yet.")
    open_round = SignOffRound.objects.filter(plan=plan, status=RoundStatus.OPEN).first()
    if open_round is None:
        # A double submission that arrives after the plan was signed off is a repeat of an
        # answer already counted, not an error. An answer that no longer counts (the plan
        # changed after it) is not: saying "recorded" would tell the lead it counted.
        repeat = SignOff.objects.filter(
            round__plan=plan,
            round__status=RoundStatus.SIGNED_OFF,
            lead=lead,
            decision=decision,
            content_hash=content_hash,
            superseded_at__isnull=True,
        ).first()
        if repeat is not None and repeat.comment == comment:
            return repeat
        latest = SignOffRound.objects.filter(plan=plan).first()
        if latest is not None and plan.status == PlanStatus.DRAFT:
            raise PlanChanged(
                "The plan has changed since you opened it, so your answer was not recorded. "
                "The team is still working on the changes: you will be asked to read the "
                "new version when it is ready. The plan as it is now is below."
            )
        if latest is not None and content_hash != latest.content_hash:
            raise PlanChanged(
                "The plan has changed since you opened it, so your answer was not recorded. "
                f"Version {latest.version} has since been signed off. The plan as it is now "
                "is below."
            )
        raise ValidationError("The plan is not waiting for sign-off.")
    if content_hash != open_round.content_hash or current_hash(plan) != open_round.content_hash:
        raise PlanChanged(
            "The plan has changed since you opened it, so your answer was not recorded. "
            f"Read version {open_round.version} below and answer again."
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
    cycle_changed(plan.cycle_id)
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
) -> SignOffRound | None:
    """Set how many community leads must approve (None: all of them). Recorded.

    The rule cannot shift under a round that is waiting for answers: changing it then
    withdraws that round (its answers no longer count) and sends the same content again as
    a new version under the new rule, so every lead answers knowing the rule. Returns that
    new round, if one was sent.
    """
    plan = action_plan_lock_or_create(cycle)
    if min_approvals is not None:
        if min_approvals < 1:
            raise ValidationError({"min_approvals": "At least one community lead must approve."})
        leads = len(community_leads_of(cycle))
        if min_approvals > leads:
            raise ValidationError(
                {
                    "min_approvals": f"The cycle has {leads} community lead"
                    f"{'s' if leads != 1 else ''}: the minimum cannot be more than that."
                }
            )
    changed = min_approvals != plan.min_approvals
    if not changed and plan.min_approvals_set_at is not None:
        return None
    plan.min_approvals = min_approvals
    plan.min_approvals_set_by = by
    plan.min_approvals_set_at = timezone.now()
    plan.save(update_fields=["min_approvals", "min_approvals_set_by", "min_approvals_set_at"])
    cycle_changed(cycle)
    open_round = SignOffRound.objects.filter(plan=plan, status=RoundStatus.OPEN).first()
    if not changed or open_round is None:
        return None
    action_plan_supersede(plan, open_round, SupersededBecause.RULE)
    return _send(
        plan,
        cycle,
        by,
        body=(
            f"{by} changed who must approve the action plan to {plan_rule_text(plan)}, so "
            f"version {open_round.version} no longer counts and the same plan has been sent "
            f"again as version {open_round.version + 1}. Please read it and answer again."
        ),
    )


@transaction.atomic
def action_plan_signoff_refresh(*, cycle: Cycle) -> bool:
    """Sign off a waiting plan whose round is now complete because the cycle's leads changed
    (a lead taken off the cycle no longer counts). Safe to call any number of times."""
    plan = action_plan_lock(cycle)
    return plan is not None and plan.status == PlanStatus.AWAITING_SIGNOFF and _evaluate(plan)
