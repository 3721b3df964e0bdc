"""Permission matrix: every actions view × every role. Only community leads sign off;
governance members only decide escalations."""

import pytest
from django_scopes import scopes_disabled

from actions.models import ActionPlan
from t2a.models import Role
from tests.matrix import ALL_ROLES, STAFF, assert_role_matrix

from .builders import make_action, make_escalation, make_priority

pytestmark = pytest.mark.django_db

CL = {Role.COMMUNITY_LEAD}
GOV = {Role.GOVERNANCE}


@pytest.fixture
def base(org):
    return f"/o/{org.slug}/actions/"


@pytest.fixture
def action(cycle, users):
    return make_action(cycle, owner=users[Role.COMMUNITY_LEAD])


def test_overview_pages(client_for, users, base, cycle, action):
    for url in (
        base,
        f"{base}cycles/{cycle.pk}/priorities/",
        f"{base}cycles/{cycle.pk}/plan/",
        f"{base}action/{action.pk}/",
    ):
        assert_role_matrix(client_for, users, url, get=ALL_ROLES)


def test_priority_writing_is_for_staff(client_for, users, base, cycle):
    priority = make_priority(cycle)
    data = lambda role: {"title": f"Priority by {role.value}"}  # noqa: E731
    assert_role_matrix(
        client_for, users, f"{base}cycles/{cycle.pk}/priorities/new/", get=STAFF, post=STAFF,
        data=data,
    )  # fmt: skip
    assert_role_matrix(
        client_for, users, f"{base}priorities/{priority.pk}/edit/", get=STAFF, post=STAFF,
        data=data,
    )  # fmt: skip
    assert_role_matrix(
        client_for, users, f"{base}cycles/{cycle.pk}/priorities/agree/", get=STAFF, post=STAFF,
        data={"priorities": [priority.pk], "agreed_on": "2026-01-01"},
    )  # fmt: skip


def test_only_community_leads_rank(client_for, users, base, cycle):
    priority = make_priority(cycle)
    assert_role_matrix(
        client_for, users, f"{base}cycles/{cycle.pk}/priorities/rank/", get=CL, post=CL,
        data={f"position_{priority.pk}": "1"},
    )  # fmt: skip


def test_plan_writing_is_for_staff(client_for, users, base, cycle, action):
    plan = f"{base}cycles/{cycle.pk}/plan/"
    assert_role_matrix(client_for, users, f"{plan}actions/new/", get=STAFF, post=STAFF)
    assert_role_matrix(client_for, users, f"{base}action/{action.pk}/edit/", get=STAFF, post=STAFF)
    assert_role_matrix(
        client_for, users, lambda role: f"{base}action/{make_action(cycle).pk}/delete/",
        get=STAFF, post=STAFF,
    )  # fmt: skip
    assert_role_matrix(client_for, users, f"{plan}approvals/", get=STAFF, post=STAFF)
    assert_role_matrix(client_for, users, f"{plan}send/", post=STAFF)
    assert_role_matrix(client_for, users, f"{plan}move/", post=STAFF, data={"to": "closed"})


def test_only_community_leads_reach_sign_off(client_for, users, base, cycle, action):
    url = f"{base}cycles/{cycle.pk}/plan/sign-off/"
    seen = assert_role_matrix(client_for, users, url, get=CL, post=CL, data={"decision": "approve"})
    assert seen[("engagement_lead", "post")] == 403
    assert seen[("admin", "post")] == 403


def test_a_community_lead_not_on_the_cycle_cannot_sign_off(client_for, org, base, action):
    from tests.cast import make_member

    stranger = make_member(org, Role.COMMUNITY_LEAD, "stranger@northgate.example.org")
    url = f"{base}cycles/{action.plan.cycle_id}/plan/sign-off/"
    assert client_for(stranger).get(url).status_code == 404


def test_progress_is_for_staff_and_the_actions_owner(client_for, users, base, cycle, action):
    assert_role_matrix(
        client_for, users, f"{base}action/{action.pk}/updates/new/",
        get=STAFF | CL, post=STAFF | CL,
    )  # fmt: skip
    assert_role_matrix(
        client_for, users, f"{base}action/{action.pk}/escalate/", get=STAFF | CL, post=STAFF | CL
    )
    not_theirs = make_action(cycle, "Someone else's", owner=users[Role.ADMIN])
    client = client_for(users[Role.COMMUNITY_LEAD])
    assert client.get(f"{base}action/{not_theirs.pk}/updates/new/").status_code == 403
    assert client.get(f"{base}action/{not_theirs.pk}/escalate/").status_code == 403


def test_escalations_list_and_decisions(client_for, users, base, action):
    escalation = make_escalation(action)
    assert_role_matrix(client_for, users, f"{base}escalations/", get=STAFF | GOV)
    assert_role_matrix(
        client_for, users, f"{base}escalations/{escalation.pk}/decide/", get=GOV, post=GOV
    )


def test_governance_members_see_only_their_cycles_escalations(client_for, org, users, base, action):
    from cycles.tests.builders import make_cycle

    other = make_cycle(org, "Not theirs")
    hidden = make_escalation(make_action(other, "Hidden action"), reason="Hidden reason")
    shown = make_escalation(action, reason="Shown reason")
    client = client_for(users[Role.GOVERNANCE])
    page = client.get(f"{base}escalations/").content.decode()
    assert "Shown reason" in page and "Hidden reason" not in page
    assert client.get(f"{base}escalations/{hidden.pk}/decide/").status_code == 404
    assert client.get(f"{base}escalations/{shown.pk}/decide/").status_code == 200
    admin_page = client_for(users[Role.ADMIN]).get(f"{base}escalations/").content.decode()
    assert "Hidden reason" in admin_page


def test_plan_is_created_only_by_writing(client_for, users, base, cycle):
    assert client_for(users[Role.ADMIN]).get(f"{base}cycles/{cycle.pk}/plan/").status_code == 200
    with scopes_disabled():
        assert not ActionPlan.objects.exists()
