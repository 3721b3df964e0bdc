"""The sign-off state machine, driven through the services as the views drive it.

The cycle has two community leads (`two_leads`): the plan needs both approvals unless a
smaller minimum is set."""

from datetime import date
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django_scopes import scope, scopes_disabled

from actions.models import (
    ActionPlan,
    ActionStatus,
    PlanStatus,
    RoundStatus,
    SignOff,
    SignOffRound,
)
from actions.selectors.readiness import action_plan_signed_off
from actions.selectors.signoff import changes_since_reference, signoff_state
from actions.services.plan import action_plan_move, action_update
from actions.services.progress import progress_update_create
from actions.services.signoff import (
    action_plan_send_for_signoff,
    action_plan_set_min_approvals,
    signoff_record,
)
from t2a import audit
from t2a.models import Membership, Notification, Role
from tests.cast import make_member

from ..builders import NUMERIC, make_action, make_plan

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("two_leads")]


def membership(org, user):
    with scopes_disabled():
        return Membership.objects.select_related("user").get(organisation=org, user=user)


@pytest.fixture
def lead_a(org, users):
    return membership(org, users[Role.COMMUNITY_LEAD])


@pytest.fixture
def lead_b(org, two_leads):
    return membership(org, two_leads[1])


@pytest.fixture
def engagement(org, users):
    return membership(org, users[Role.ENGAGEMENT_LEAD])


@pytest.fixture
def action(cycle):
    return make_action(cycle)


def plan_of(cycle) -> ActionPlan:
    with scopes_disabled():
        return ActionPlan.objects.get(cycle=cycle)


def send(org, cycle, engagement):
    with scope(organisation=org.pk):
        return action_plan_send_for_signoff(cycle=cycle, by=engagement.user)


def answer(org, cycle, who, decision="approve", comment="", content_hash=None):
    with scope(organisation=org.pk):
        if content_hash is None:
            content_hash = SignOffRound.objects.get(plan__cycle=cycle, status="open").content_hash
        return signoff_record(
            cycle=cycle,
            membership=who,
            decision=decision,
            comment=comment,
            content_hash=content_hash,
        )


def edit(org, action, engagement, **fields):
    with scope(organisation=org.pk):
        action.refresh_from_db()
        return action_update(action=action, by=engagement.user, fields=fields)


def test_sending_notifies_every_community_lead_in_app(org, cycle, action, engagement, lead_a):
    signoff_round = send(org, cycle, engagement)
    plan = plan_of(cycle)
    assert plan.status == PlanStatus.AWAITING_SIGNOFF
    assert plan.version == signoff_round.version == 1
    with scopes_disabled():
        notified = set(
            Notification.objects.filter(kind="action_plan_signoff").values_list(
                "recipient_id", flat=True
            )
        )
    assert notified == {u.pk for u in cycle.community_leads.all()}


def test_cannot_send_an_empty_plan_or_without_community_leads(org, cycle, engagement):
    make_plan(cycle)
    with pytest.raises(ValidationError, match="at least one action"):
        send(org, cycle, engagement)
    make_action(cycle)
    with scopes_disabled():
        cycle.community_leads.clear()
    with pytest.raises(ValidationError, match="community leads"):
        send(org, cycle, engagement)
    assert plan_of(cycle).status == PlanStatus.DRAFT


def test_signed_off_only_when_all_leads_approve(org, cycle, action, engagement, lead_a, lead_b):
    send(org, cycle, engagement)
    answer(org, cycle, lead_a)
    assert plan_of(cycle).status == PlanStatus.AWAITING_SIGNOFF
    answer(org, cycle, lead_b)
    plan = plan_of(cycle)
    assert plan.status == PlanStatus.SIGNED_OFF
    assert plan.signed_off_at is not None
    with scopes_disabled():
        assert SignOffRound.objects.get(plan=plan).status == RoundStatus.SIGNED_OFF
        assert action_plan_signed_off([cycle]) == {cycle.pk: True}


def test_request_changes_blocks_then_edit_supersedes_and_new_round_shows_the_diff(
    org, cycle, action, engagement, lead_a, lead_b
):
    send(org, cycle, engagement)
    answer(org, cycle, lead_a, "request_changes", "Please make it start earlier.")
    answer(org, cycle, lead_b)
    assert plan_of(cycle).status == PlanStatus.AWAITING_SIGNOFF  # a request for changes blocks
    with scopes_disabled():
        told = Notification.objects.get(kind="action_plan_changes_requested")
    assert told.recipient_id == cycle.lead_id

    edit(org, action, engagement, start_date=date(2026, 1, 1))
    plan = plan_of(cycle)
    assert plan.status == PlanStatus.DRAFT
    with scopes_disabled():
        assert SignOffRound.objects.get(plan=plan).status == RoundStatus.SUPERSEDED
        assert not SignOff.objects.filter(superseded_at__isnull=True).exists()
        reference, changes = changes_since_reference(plan)
    assert reference.version == 1
    assert [c.sentence for c in changes] == [
        "Action \u2018Evening clinic\u2019: start date changed from 5 January 2026 to "
        "1 January 2026."
    ]

    second = send(org, cycle, engagement)
    assert second.version == 2
    answer(org, cycle, lead_a)
    answer(org, cycle, lead_b)
    assert plan_of(cycle).status == PlanStatus.SIGNED_OFF


def test_edit_after_sign_off_supersedes_and_needs_a_new_round(
    org, cycle, action, engagement, lead_a, lead_b
):
    send(org, cycle, engagement)
    answer(org, cycle, lead_a)
    answer(org, cycle, lead_b)
    edit(org, action, engagement, target="50")
    plan = plan_of(cycle)
    assert plan.status == PlanStatus.DRAFT
    assert plan.signed_off_at is None
    with scopes_disabled():
        assert SignOff.objects.filter(superseded_at__isnull=False).count() == 2
        # Superseding is one update() (no signals); each sign-off's entry is still written.
        superseded = audit.entries_for(org).filter(
            content_type__model="signoff", action=LogEntry.Action.UPDATE
        )
        assert sorted(e.object_id for e in superseded) == sorted(
            SignOff.objects.values_list("pk", flat=True)
        )
        assert all(e.changes["superseded_at"][0] == "None" for e in superseded)
        assert {e.actor_id for e in superseded} == {None}  # services called outside a request
        assert action_plan_signed_off([cycle]) == {cycle.pk: False}
        _, changes = changes_since_reference(plan)
    assert changes[0].sentence == (
        "Action \u2018Evening clinic\u2019: target changed from \u201840\u2019 to \u201850\u2019."
    )


def test_a_numeric_target_changed_after_sign_off_needs_a_new_round(
    org, cycle, engagement, lead_a, lead_b
):
    waits = make_action(cycle, "Shorter waits", **NUMERIC)
    send(org, cycle, engagement)
    answer(org, cycle, lead_a)
    answer(org, cycle, lead_b)
    assert plan_of(cycle).status == PlanStatus.SIGNED_OFF
    edit(org, waits, engagement, target_value=Decimal("30.0"))  # the same number
    assert plan_of(cycle).status == PlanStatus.SIGNED_OFF
    edit(org, waits, engagement, target_value=Decimal("25"))
    plan = plan_of(cycle)
    assert plan.status == PlanStatus.DRAFT
    with scopes_disabled():
        assert SignOff.objects.filter(superseded_at__isnull=True).count() == 0
        _, changes = changes_since_reference(plan)
    assert [c.sentence for c in changes] == [
        "Action \u2018Shorter waits\u2019: target changed from \u201830\u2019 to \u201825\u2019."
    ]


def test_saving_without_changing_content_keeps_the_sign_off(
    org, cycle, action, engagement, lead_a, lead_b
):
    send(org, cycle, engagement)
    answer(org, cycle, lead_a)
    answer(org, cycle, lead_b)
    edit(org, action, engagement, title="Evening clinic")
    assert plan_of(cycle).status == PlanStatus.SIGNED_OFF


def test_progress_updates_are_not_plan_content(org, cycle, action, engagement, lead_a, lead_b):
    send(org, cycle, engagement)
    answer(org, cycle, lead_a)
    answer(org, cycle, lead_b)
    with scope(organisation=org.pk):
        progress_update_create(
            action=action,
            by=engagement.user,
            status=ActionStatus.DROPPED,
            narrative="The venue closed.",
            status_reason="No venue is open in the evening.",
        )
    assert plan_of(cycle).status == PlanStatus.SIGNED_OFF


def test_a_minimum_of_one_approval_is_recorded_and_enough(org, cycle, action, engagement, lead_a):
    with scope(organisation=org.pk):
        action_plan_set_min_approvals(cycle=cycle, by=engagement.user, min_approvals=1)
    plan = plan_of(cycle)
    assert plan.min_approvals == 1
    assert plan.min_approvals_set_by_id == engagement.user_id
    assert plan.min_approvals_set_at is not None
    send(org, cycle, engagement)
    answer(org, cycle, lead_a)
    assert plan_of(cycle).status == PlanStatus.SIGNED_OFF


def test_minimum_must_be_between_one_and_the_number_of_leads(org, cycle, engagement):
    with scope(organisation=org.pk):
        for bad in (0, 3):
            with pytest.raises(ValidationError):
                action_plan_set_min_approvals(cycle=cycle, by=engagement.user, min_approvals=bad)


def test_lowering_the_minimum_mid_round_starts_a_new_round(
    org, cycle, action, engagement, lead_a, lead_b
):
    """The rule cannot shift under leads who are answering: the round is withdrawn and the
    same content sent again, so an approval given under the old rule does not count."""
    first = send(org, cycle, engagement)
    answer(org, cycle, lead_a)
    with scope(organisation=org.pk):
        resent = action_plan_set_min_approvals(cycle=cycle, by=engagement.user, min_approvals=1)
    assert plan_of(cycle).status == PlanStatus.AWAITING_SIGNOFF
    with scopes_disabled():
        first.refresh_from_db()
        assert (first.status, first.superseded_because) == ("superseded", "rule")
        assert SignOff.objects.get().superseded_at is not None
        assert (resent.version, resent.content_hash) == (2, first.content_hash)
        assert (resent.approval_rule, resent.min_approvals) == ("minimum", 1)
    answer(org, cycle, lead_b)
    assert plan_of(cycle).status == PlanStatus.SIGNED_OFF
    with scopes_disabled():
        resent.refresh_from_db()
        assert resent.approvals_required == 1
        assert list(resent.not_answered.all()) == [lead_a.user]


def test_a_lead_removed_mid_round_no_longer_counts_or_blocks(
    org, cycle, action, engagement, lead_a, lead_b, client_for
):
    send(org, cycle, engagement)
    answer(org, cycle, lead_a)
    with scopes_disabled():
        cycle.community_leads.remove(lead_b.user)
    # The remaining lead has approved: the next look at the plan settles it.
    response = client_for(engagement.user).get(f"/o/{org.slug}/actions/cycles/{cycle.pk}/plan/")
    assert response.status_code == 200
    assert plan_of(cycle).status == PlanStatus.SIGNED_OFF
    with pytest.raises(PermissionDenied):
        answer(org, cycle, lead_b, content_hash="x" * 64)


def test_approval_of_a_lead_removed_mid_round_does_not_count(
    org, cycle, action, engagement, lead_a, lead_b
):
    send(org, cycle, engagement)
    answer(org, cycle, lead_a)
    with scopes_disabled():
        cycle.community_leads.remove(lead_a.user)
        cycle.community_leads.add(make_member(org, Role.COMMUNITY_LEAD, "third@x.org"))
    answer(org, cycle, lead_b)
    plan = plan_of(cycle)
    assert plan.status == PlanStatus.AWAITING_SIGNOFF
    with scope(organisation=org.pk):
        state = signoff_state(plan)
    assert [s.lead_id for s in state.approvals] == [lead_b.user_id]
    assert [u.email for u in state.pending] == ["third@x.org"]


def test_the_same_approval_twice_is_idempotent(org, cycle, action, engagement, lead_a, lead_b):
    send(org, cycle, engagement)
    first = answer(org, cycle, lead_a)
    again = answer(org, cycle, lead_a)
    assert first.pk == again.pk
    with scopes_disabled():
        assert SignOff.objects.count() == 1
    # The last approval, submitted twice: the second arrives after the plan is signed off.
    content_hash = first.content_hash
    last = answer(org, cycle, lead_b, content_hash=content_hash)
    repeat = answer(org, cycle, lead_b, content_hash=content_hash)
    assert last.pk == repeat.pk
    with scopes_disabled():
        assert SignOff.objects.count() == 2
    assert plan_of(cycle).status == PlanStatus.SIGNED_OFF


def test_a_lead_may_change_their_answer_within_a_round(
    org, cycle, action, engagement, lead_a, lead_b
):
    send(org, cycle, engagement)
    answer(org, cycle, lead_a, "request_changes", "Not yet.")
    answer(org, cycle, lead_a)
    answer(org, cycle, lead_b)
    assert plan_of(cycle).status == PlanStatus.SIGNED_OFF
    with scopes_disabled():
        assert SignOff.objects.filter(lead=lead_a.user).count() == 1


def test_an_approval_of_content_the_lead_did_not_see_is_refused(
    org, cycle, action, engagement, lead_a
):
    send(org, cycle, engagement)
    with pytest.raises(ValidationError, match="changed since you opened it"):
        answer(org, cycle, lead_a, content_hash="0" * 64)
    with scopes_disabled():
        assert not SignOff.objects.exists()


def test_an_approval_after_an_edit_is_refused(org, cycle, action, engagement, lead_a):
    send(org, cycle, engagement)
    with scopes_disabled():
        seen = SignOffRound.objects.get().content_hash
    edit(org, action, engagement, title="Late clinic")
    with pytest.raises(ValidationError, match="changed since you opened it"):
        answer(org, cycle, lead_a, content_hash=seen)
    with scopes_disabled():
        assert not SignOff.objects.exists()


def test_request_for_changes_needs_a_comment(org, cycle, action, engagement, lead_a):
    send(org, cycle, engagement)
    with pytest.raises(ValidationError):
        answer(org, cycle, lead_a, "request_changes", "  ")


def test_nobody_but_a_community_lead_of_the_cycle_signs_off(org, cycle, action, engagement, users):
    send(org, cycle, engagement)
    outsider_lead = make_member(org, Role.COMMUNITY_LEAD, "not.on.cycle@x.org")
    for who in (
        engagement,
        membership(org, users[Role.ADMIN]),
        membership(org, users[Role.GOVERNANCE]),
        membership(org, outsider_lead),
    ):
        with pytest.raises(PermissionDenied):
            answer(org, cycle, who)
    with scopes_disabled():
        assert not SignOff.objects.exists()


def test_delivery_follows_sign_off(org, cycle, action, engagement, lead_a, lead_b):
    with scope(organisation=org.pk), pytest.raises(ValidationError):
        action_plan_move(cycle=cycle, by=engagement.user, to=PlanStatus.IN_DELIVERY)
    send(org, cycle, engagement)
    answer(org, cycle, lead_a)
    answer(org, cycle, lead_b)
    with scope(organisation=org.pk):
        action_plan_move(cycle=cycle, by=engagement.user, to=PlanStatus.IN_DELIVERY)
        action_plan_move(cycle=cycle, by=engagement.user, to=PlanStatus.CLOSED)
    assert plan_of(cycle).status == PlanStatus.CLOSED
    with scopes_disabled():
        assert action_plan_signed_off([cycle]) == {cycle.pk: True}
