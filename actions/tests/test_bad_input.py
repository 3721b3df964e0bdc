"""Bad input gives a clear message, a 400 and an error summary, and saves nothing."""

import pytest
from django_scopes import scopes_disabled

from actions.models import Action, PriorityRanking, ProgressUpdate, SignOff
from t2a.models import Role

from .builders import make_action, make_priority

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client_for, users):
    return client_for(users[Role.ENGAGEMENT_LEAD])


def action_data(priority, owner, **overrides):
    return {
        "priority": priority.pk,
        "title": "Evening clinic",
        "owner": owner.pk,
        "start_date": "2026-02-01",
        "due_date": "2026-03-01",
        "metric": "Appointments",
        "target": "40",
        "scope": "in",
        "cadence_days": "28",
    } | overrides


CASES = {
    "due before start": ({"due_date": "2026-01-01"}, "due date must be on or after"),
    "target without metric": ({"metric": ""}, "Say what you will measure"),
    "out of scope without reason": ({"scope": "out"}, "Say why this is out of scope"),
    "cadence of zero": ({"cadence_days": "0"}, "greater than or equal to 1"),
    "no title": ({"title": ""}, "This field is required"),
}


@pytest.mark.parametrize("case", CASES)
def test_new_action_rejected(staff, org, cycle, users, case):
    priority = make_priority(cycle)
    overrides, message = CASES[case]
    response = staff.post(
        f"/o/{org.slug}/actions/cycles/{cycle.pk}/plan/actions/new/",
        action_data(priority, users[Role.ENGAGEMENT_LEAD], **overrides),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and message in page
    assert "<title>Error: " in page
    with scopes_disabled():
        assert not Action.objects.exists()


@pytest.mark.parametrize("case", CASES)
def test_edit_rejected_leaves_the_action_as_it_was(staff, org, cycle, users, case):
    action = make_action(cycle, owner=users[Role.ENGAGEMENT_LEAD])
    overrides, message = CASES[case]
    response = staff.post(
        f"/o/{org.slug}/actions/action/{action.pk}/edit/",
        action_data(action.priority, users[Role.ENGAGEMENT_LEAD], **overrides),
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    with scopes_disabled():
        fresh = Action.objects.get(pk=action.pk)
    assert (fresh.start_date, fresh.due_date, fresh.metric, fresh.in_scope) == (
        action.start_date, action.due_date, action.metric, action.in_scope,
    )  # fmt: skip


def test_a_priority_of_another_cycle_is_refused(staff, org, cycle, users):
    from cycles.tests.builders import make_cycle

    make_priority(cycle)
    elsewhere = make_priority(make_cycle(org, "Other"), "Elsewhere")
    response = staff.post(
        f"/o/{org.slug}/actions/cycles/{cycle.pk}/plan/actions/new/",
        action_data(elsewhere, users[Role.ENGAGEMENT_LEAD]),
    )
    assert response.status_code == 400
    with scopes_disabled():
        assert not Action.objects.exists()


def test_dropped_without_reason(staff, org, cycle):
    action = make_action(cycle)
    response = staff.post(
        f"/o/{org.slug}/actions/action/{action.pk}/updates/new/",
        {"status": "dropped", "narrative": "We stopped."},
    )
    assert response.status_code == 400
    assert "Say why the action is being dropped" in response.content.decode()
    with scopes_disabled():
        assert not ProgressUpdate.objects.exists()
        assert Action.objects.get(pk=action.pk).status == "not_started"


def test_dropped_with_reason_is_recorded(staff, org, cycle):
    action = make_action(cycle)
    response = staff.post(
        f"/o/{org.slug}/actions/action/{action.pk}/updates/new/",
        {"status": "dropped", "narrative": "We stopped.", "dropped_reason": "Venue closed."},
    )
    assert response.status_code == 302
    with scopes_disabled():
        fresh = Action.objects.get(pk=action.pk)
    assert (fresh.status, fresh.dropped_reason) == ("dropped", "Venue closed.")


def test_ranking_with_a_position_used_twice(client_for, users, org, cycle):
    first, second = make_priority(cycle, "One"), make_priority(cycle, "Two")
    response = client_for(users[Role.COMMUNITY_LEAD]).post(
        f"/o/{org.slug}/actions/cycles/{cycle.pk}/priorities/rank/",
        {f"position_{first.pk}": "1", f"position_{second.pk}": "1"},
    )
    assert response.status_code == 400
    assert "use each position once" in response.content.decode()
    with scopes_disabled():
        assert not PriorityRanking.objects.exists()


def test_request_for_changes_without_a_comment(client_for, users, org, cycle):
    from django_scopes import scope

    from actions import services

    make_action(cycle)
    with scope(organisation=org.pk):
        signoff_round = services.action_plan_send_for_signoff(
            cycle=cycle, by=users[Role.ENGAGEMENT_LEAD]
        )
    response = client_for(users[Role.COMMUNITY_LEAD]).post(
        f"/o/{org.slug}/actions/cycles/{cycle.pk}/plan/sign-off/",
        {"decision": "request_changes", "comment": " ", "content_hash": signoff_round.content_hash},
    )
    assert response.status_code == 400
    assert "Say what you would like changed" in response.content.decode()
    with scopes_disabled():
        assert not SignOff.objects.exists()


def test_minimum_approvals_above_the_number_of_leads(staff, org, cycle):
    response = staff.post(
        f"/o/{org.slug}/actions/cycles/{cycle.pk}/plan/approvals/",
        {"rule": "minimum", "min_approvals": "5"},
    )
    assert response.status_code == 400
    assert "the minimum cannot be more than that" in response.content.decode()
