"""Reads for community sign-off: who may sign, who has answered the current round, and what
changed since the version the leads last saw."""

from dataclasses import dataclass

from cycles.models import Cycle
from t2a.models import Membership, Role, User

from ..models import (
    Action,
    ActionPlan,
    ApprovalRule,
    Decision,
    RoundStatus,
    SignOff,
    SignOffRound,
)
from . import content
from .plan import plan_actions


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


def was_signed_off(action: Action) -> bool:
    """Whether the action is in any version of its plan the community signed off."""
    return SignOffRound.objects.filter(
        plan_id=action.plan_id,
        status=RoundStatus.SIGNED_OFF,
        snapshot__content__has_key=str(action.pk),
    ).exists()


def rule_text(approval_rule: str, min_approvals: int | None) -> str:
    """Who must approve, in words."""
    if approval_rule == ApprovalRule.ALL:
        return "every community lead on the cycle"
    if approval_rule == ApprovalRule.MINIMUM:
        return f"at least {min_approvals} community lead{'s' if min_approvals != 1 else ''}"
    return "not recorded (sent before the rule was kept with each version)"


def plan_rule_text(plan: ActionPlan) -> str:
    if plan.min_approvals is None:
        return rule_text(ApprovalRule.ALL, None)
    return rule_text(ApprovalRule.MINIMUM, plan.min_approvals)


@dataclass
class RoundRecord:
    """One version sent for sign-off, as the record shows it."""

    round: SignOffRound
    rule: str
    answers: list[SignOff]  # approvals and change requests, oldest first
    not_answered: list[User]
    rule_changed_from: str  # the previous version's rule, when this one's differs

    @property
    def recorded(self) -> bool:
        """Whether the rule and who had not answered were kept (not for the oldest rounds)."""
        return bool(self.round.approval_rule)


def signoff_record(plan: ActionPlan) -> list[RoundRecord]:
    """Every version sent for sign-off, newest first: the rule in force, who answered how
    (superseded answers marked by `superseded_at`), who had not answered when it was signed
    off (or has not yet, while it is open), and where the rule changed from the version
    before. Three queries however many rounds, and the cycle's leads while one is open."""
    rounds = list(
        SignOffRound.objects.filter(plan=plan)
        .select_related("sent_by", "rule_set_by")
        .prefetch_related("not_answered")
        .order_by("version")
    )
    answers: dict[int, list[SignOff]] = {r.pk: [] for r in rounds}
    for s in SignOff.objects.filter(round__plan=plan).select_related("lead"):
        answers[s.round_id].append(s)
    pending: list[User] = []
    if rounds and rounds[-1].status == RoundStatus.OPEN:
        answered = {s.lead_id for s in answers[rounds[-1].pk]}
        pending = [u for u in community_leads_of(plan.cycle) if u.pk not in answered]
    records = []
    previous = ""
    for r in rounds:
        rule = rule_text(r.approval_rule, r.min_approvals)
        changed = previous if previous and r.approval_rule and rule != previous else ""
        records.append(
            RoundRecord(
                round=r,
                rule=rule,
                answers=answers[r.pk],
                not_answered=pending
                if r.status == RoundStatus.OPEN
                else list(r.not_answered.all()),
                rule_changed_from=changed,
            )
        )
        if r.approval_rule:
            previous = rule
    records.reverse()
    return records


def last_reference_round(plan: ActionPlan) -> SignOffRound | None:
    """The round to compare the current plan with: the last signed off, else the last sent."""
    rounds = SignOffRound.objects.filter(plan=plan)
    return rounds.filter(status=RoundStatus.SIGNED_OFF).first() or rounds.first()


def current_hash(plan: ActionPlan) -> str:
    """The hash of the plan's content as it is now."""
    return content.content_hash(content.plan_content(plan_actions(plan)))


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
