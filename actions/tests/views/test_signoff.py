"""The sign-off views: sending the plan to the community leads, how many must approve, and
a lead's answer."""

import pytest
from django_scopes import scope, scopes_disabled

from actions.models import SignOff
from actions.services.signoff import action_plan_send_for_signoff
from t2a.models import Role
from tests.cast import make_member
from tests.matrix import STAFF, assert_role_matrix

from ..builders import fill_plan, make_action

pytestmark = pytest.mark.django_db

CL = {Role.COMMUNITY_LEAD}
SIGNOFF_PAGE_QUERIES = 22  # 18 measured


@pytest.fixture
def base(org):
    return f"/o/{org.slug}/actions/"


@pytest.fixture
def action(cycle, users):
    return make_action(cycle, owner=users[Role.COMMUNITY_LEAD])


def test_outsiders_get_404(client_for, base, cycle, action, outsider):
    plan = f"{base}cycles/{cycle.pk}/plan/"
    client = client_for(outsider)
    for url in (f"{plan}sign-off/", f"{plan}approvals/"):
        assert client.get(url).status_code == 404, url
    for url in (f"{plan}sign-off/", f"{plan}approvals/", f"{plan}send/"):
        assert client.post(url, {"decision": "approve"}).status_code == 404, url
    with scopes_disabled():
        assert not SignOff.objects.exists()


def test_sending_and_approvals_are_for_staff(client_for, users, base, cycle, action):
    plan = f"{base}cycles/{cycle.pk}/plan/"
    assert_role_matrix(client_for, users, f"{plan}approvals/", get=STAFF, post=STAFF)
    assert_role_matrix(client_for, users, f"{plan}send/", post=STAFF)


def test_only_community_leads_reach_sign_off(client_for, users, base, cycle, action):
    url = f"{base}cycles/{cycle.pk}/plan/sign-off/"
    seen = assert_role_matrix(client_for, users, url, get=CL, post=CL, data={"decision": "approve"})
    assert seen[("engagement_lead", "post")] == 403
    assert seen[("admin", "post")] == 403


def test_a_community_lead_not_on_the_cycle_cannot_sign_off(client_for, org, base, action):
    stranger = make_member(org, Role.COMMUNITY_LEAD, "stranger@northgate.example.org")
    url = f"{base}cycles/{action.plan.cycle_id}/plan/sign-off/"
    assert client_for(stranger).get(url).status_code == 404


# --- bad input ------------------------------------------------------------------------------


@pytest.fixture
def staff(client_for, users):
    return client_for(users[Role.ENGAGEMENT_LEAD])


def test_request_for_changes_without_a_comment(client_for, users, org, cycle):
    make_action(cycle)
    with scope(organisation=org.pk):
        signoff_round = action_plan_send_for_signoff(cycle=cycle, by=users[Role.ENGAGEMENT_LEAD])
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


# --- query counts ---------------------------------------------------------------------------


@pytest.mark.parametrize("n", [10, 1000])
def test_signoff_page(client_for, users, org, cycle, n, django_assert_max_num_queries):
    fill_plan(cycle, list(users.values()), n)
    with scope(organisation=org.pk):
        action_plan_send_for_signoff(cycle=cycle, by=users[Role.ENGAGEMENT_LEAD])
    client = client_for(users[Role.COMMUNITY_LEAD])
    with django_assert_max_num_queries(SIGNOFF_PAGE_QUERIES):
        response = client.get(f"/o/{org.slug}/actions/cycles/{cycle.pk}/plan/sign-off/")
    assert response.status_code == 200
