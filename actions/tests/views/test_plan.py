"""The action plan's views: every cycle's plan, one plan's table, and its actions."""

import pytest
from django_scopes import scope, scopes_disabled

from actions.models import Action, ActionPlan
from actions.services.signoff import action_plan_send_for_signoff
from cycles.tests.builders import make_cycle
from t2a.models import Role
from tests.cast import make_member
from tests.matrix import ALL_ROLES, STAFF, assert_role_matrix

from ..builders import fill_plan, make_action, make_priority

pytestmark = pytest.mark.django_db

PLAN_PAGE_QUERIES = 25  # 21 measured at 10 and at 1,000 actions
OVERVIEW_QUERIES = 30


@pytest.fixture
def base(org):
    return f"/o/{org.slug}/actions/"


@pytest.fixture
def action(cycle, users):
    return make_action(cycle, owner=users[Role.COMMUNITY_LEAD])


def test_outsiders_and_members_off_the_cycle_get_404(client_for, org, base, cycle, outsider):
    action = make_action(cycle)
    off_cycle = make_member(org, Role.COMMUNITY_LEAD, "off.cycle@northgate.example.org")
    for url in (
        f"{base}cycles/{cycle.pk}/plan/",
        f"{base}action/{action.pk}/",
    ):
        assert client_for(outsider).get(url).status_code == 404, url
        assert client_for(off_cycle).get(url).status_code == 404, url
    for url in (
        f"{base}cycles/{cycle.pk}/plan/actions/new/",
        f"{base}action/{action.pk}/edit/",
        f"{base}action/{action.pk}/delete/",
        f"{base}cycles/{cycle.pk}/plan/move/",
    ):
        assert client_for(outsider).post(url).status_code == 404, url
    with scopes_disabled():
        assert Action.objects.filter(pk=action.pk).exists()


def test_overview_pages(client_for, users, base, cycle, action):
    for url in (
        base,
        f"{base}cycles/{cycle.pk}/plan/",
        f"{base}action/{action.pk}/",
    ):
        assert_role_matrix(client_for, users, url, get=ALL_ROLES)


def test_plan_writing_is_for_staff(client_for, users, base, cycle, action):
    plan = f"{base}cycles/{cycle.pk}/plan/"
    assert_role_matrix(client_for, users, f"{plan}actions/new/", get=STAFF, post=STAFF)
    assert_role_matrix(client_for, users, f"{base}action/{action.pk}/edit/", get=STAFF, post=STAFF)
    assert_role_matrix(
        client_for, users, lambda role: f"{base}action/{make_action(cycle).pk}/delete/",
        get=STAFF, post=STAFF,
    )  # fmt: skip
    assert_role_matrix(client_for, users, f"{plan}move/", post=STAFF, data={"to": "closed"})


def test_plan_is_created_only_by_writing(client_for, users, base, cycle):
    assert client_for(users[Role.ADMIN]).get(f"{base}cycles/{cycle.pk}/plan/").status_code == 200
    with scopes_disabled():
        assert not ActionPlan.objects.exists()


# --- bad input ------------------------------------------------------------------------------


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
    make_priority(cycle)
    elsewhere = make_priority(make_cycle(org, "Other"), "Elsewhere")
    response = staff.post(
        f"/o/{org.slug}/actions/cycles/{cycle.pk}/plan/actions/new/",
        action_data(elsewhere, users[Role.ENGAGEMENT_LEAD]),
    )
    assert response.status_code == 400
    with scopes_disabled():
        assert not Action.objects.exists()


# --- query counts ---------------------------------------------------------------------------


@pytest.mark.parametrize("n", [10, 1000])
def test_plan_page(client_for, users, org, cycle, n, django_assert_max_num_queries):
    fill_plan(cycle, list(users.values()), n)
    with scope(organisation=org.pk):
        action_plan_send_for_signoff(cycle=cycle, by=users[Role.ENGAGEMENT_LEAD])
    client = client_for(users[Role.ENGAGEMENT_LEAD])
    url = f"/o/{org.slug}/actions/cycles/{cycle.pk}/plan/"
    with django_assert_max_num_queries(PLAN_PAGE_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('id="action-') == n
    with django_assert_max_num_queries(PLAN_PAGE_QUERIES):
        filtered = client.get(
            url, {"status": "at_risk", "overdue": "on"}, headers={"HX-Request": "true"}
        )
    assert filtered.status_code == 200


@pytest.mark.parametrize("n", [10, 1000])
def test_overview(client_for, users, org, cycle, n, django_assert_max_num_queries):
    fill_plan(cycle, list(users.values()), n)
    with django_assert_max_num_queries(OVERVIEW_QUERIES):
        response = client_for(users[Role.ADMIN]).get(f"/o/{org.slug}/actions/")
    assert response.status_code == 200
