"""The escalation views: raising a barrier with the governance board, the board's list and
its decision."""

import pytest
from django_scopes import scopes_disabled

from actions.models import Escalation
from cycles.tests.builders import make_cycle
from t2a.models import Notification, Role
from tests.matrix import STAFF, assert_role_matrix

from ..builders import fill_plan, make_action, make_escalation

pytestmark = pytest.mark.django_db

CL = {Role.COMMUNITY_LEAD}
GOV = {Role.GOVERNANCE}
LIST_QUERIES = 30


@pytest.fixture
def base(org):
    return f"/o/{org.slug}/actions/"


@pytest.fixture
def action(cycle, users):
    return make_action(cycle, owner=users[Role.COMMUNITY_LEAD])


def test_outsiders_get_404(client_for, base, action, outsider):
    escalation = make_escalation(action)
    client = client_for(outsider)
    assert client.get(f"{base}escalations/").status_code == 404
    assert client.get(f"{base}action/{action.pk}/escalate/").status_code == 404
    assert client.post(f"{base}action/{action.pk}/escalate/", {"reason": "x"}).status_code == 404
    decide = f"{base}escalations/{escalation.pk}/decide/"
    assert client.post(decide, {"decision": "Taken over."}).status_code == 404
    with scopes_disabled():
        assert list(Escalation.objects.all()) == [escalation]
        assert not Escalation.objects.filter(decided_at__isnull=False).exists()


def test_escalating_is_for_staff_and_the_actions_owner(client_for, users, base, cycle, action):
    assert_role_matrix(
        client_for, users, f"{base}action/{action.pk}/escalate/", get=STAFF | CL, post=STAFF | CL
    )
    not_theirs = make_action(cycle, "Someone else's", owner=users[Role.ADMIN])
    client = client_for(users[Role.COMMUNITY_LEAD])
    assert client.get(f"{base}action/{not_theirs.pk}/escalate/").status_code == 403


def test_escalations_list_and_decisions(client_for, users, base, action):
    escalation = make_escalation(action)
    assert_role_matrix(client_for, users, f"{base}escalations/", get=STAFF | GOV)
    assert_role_matrix(
        client_for, users, f"{base}escalations/{escalation.pk}/decide/", get=GOV, post=GOV
    )


def test_governance_members_see_only_their_cycles_escalations(client_for, org, users, base, action):
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


def test_escalation_raised_notifies_governance_and_the_decision_shows_on_the_action(
    client_for, users, org, cycle
):
    action = make_action(cycle, owner=users[Role.COMMUNITY_LEAD])
    response = client_for(users[Role.COMMUNITY_LEAD]).post(
        f"/o/{org.slug}/actions/action/{action.pk}/escalate/",
        {"reason": "The trust will not fund evening interpreters."},
    )
    assert response.status_code == 302
    with scopes_disabled():
        escalation = Escalation.objects.get()
        assert escalation.raised_by == users[Role.COMMUNITY_LEAD]
        assert escalation.raised_at is not None
        assert Notification.objects.filter(
            kind="escalation_raised", recipient=users[Role.GOVERNANCE]
        ).exists()
    governance = client_for(users[Role.GOVERNANCE])
    decide = f"/o/{org.slug}/actions/escalations/{escalation.pk}/decide/"
    assert governance.post(decide, {"decision": ""}).status_code == 400
    assert governance.post(decide, {"decision": "Fund it from the ICB budget."}).status_code == 302
    with scopes_disabled():
        escalation.refresh_from_db()
    assert escalation.decided_by == users[Role.GOVERNANCE] and escalation.decided_at
    page = client_for(users[Role.COMMUNITY_LEAD]).get(f"/o/{org.slug}/actions/action/{action.pk}/")
    assert "Fund it from the ICB budget." in page.content.decode()
    again = governance.post(decide, {"decision": "Something else"})
    assert again.status_code == 400
    assert "already been recorded" in again.content.decode()


def test_escalation_can_be_listed_by_staff(client_for, users, org, cycle):
    make_escalation(make_action(cycle), reason="Needs money")
    page = client_for(users[Role.ENGAGEMENT_LEAD]).get(f"/o/{org.slug}/actions/escalations/")
    assert "Needs money" in page.content.decode()


# --- query counts ---------------------------------------------------------------------------


@pytest.mark.parametrize("n", [10, 1000])
def test_escalation_list(client_for, users, org, cycle, n, django_assert_max_num_queries):
    fill_plan(cycle, list(users.values()), n)
    with django_assert_max_num_queries(LIST_QUERIES):
        page = client_for(users[Role.GOVERNANCE]).get(f"/o/{org.slug}/actions/escalations/")
    assert page.status_code == 200
