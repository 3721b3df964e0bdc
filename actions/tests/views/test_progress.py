"""The progress update view: staff, or the action's owner, write one."""

import pytest
from django_scopes import scopes_disabled

from actions.models import Action, ProgressUpdate
from t2a.models import Role
from tests.matrix import STAFF, assert_role_matrix

from ..builders import make_action

pytestmark = pytest.mark.django_db

CL = {Role.COMMUNITY_LEAD}


@pytest.fixture
def base(org):
    return f"/o/{org.slug}/actions/"


@pytest.fixture
def action(cycle, users):
    return make_action(cycle, owner=users[Role.COMMUNITY_LEAD])


def test_outsiders_get_404(client_for, base, action, outsider):
    url = f"{base}action/{action.pk}/updates/new/"
    assert client_for(outsider).get(url).status_code == 404
    response = client_for(outsider).post(url, {"status": "done", "narrative": "Taken over."})
    assert response.status_code == 404
    with scopes_disabled():
        assert not ProgressUpdate.objects.exists()


def test_progress_is_for_staff_and_the_actions_owner(client_for, users, base, cycle, action):
    assert_role_matrix(
        client_for, users, f"{base}action/{action.pk}/updates/new/",
        get=STAFF | CL, post=STAFF | CL,
    )  # fmt: skip
    not_theirs = make_action(cycle, "Someone else's", owner=users[Role.ADMIN])
    client = client_for(users[Role.COMMUNITY_LEAD])
    assert client.get(f"{base}action/{not_theirs.pk}/updates/new/").status_code == 403


# --- bad input ------------------------------------------------------------------------------


@pytest.fixture
def staff(client_for, users):
    return client_for(users[Role.ENGAGEMENT_LEAD])


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
