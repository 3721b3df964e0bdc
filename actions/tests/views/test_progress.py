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
    assert "Say why the action is dropped, in words for the public" in response.content.decode()
    with scopes_disabled():
        assert not ProgressUpdate.objects.exists()
        assert Action.objects.get(pk=action.pk).status == "not_started"


def test_dropped_with_reason_is_recorded(staff, org, cycle):
    action = make_action(cycle)
    response = staff.post(
        f"/o/{org.slug}/actions/action/{action.pk}/updates/new/",
        {"status": "dropped", "narrative": "We stopped.", "status_reason": "Venue closed."},
    )
    assert response.status_code == 302
    with scopes_disabled():
        fresh = Action.objects.get(pk=action.pk)
    assert (fresh.status, fresh.status_reason) == ("dropped", "Venue closed.")


@pytest.mark.parametrize("status", ["paused", "dropped"])
def test_paused_or_dropped_without_a_reason_for_the_public_is_refused(staff, org, cycle, status):
    action = make_action(cycle)
    response = staff.post(
        f"/o/{org.slug}/actions/action/{action.pk}/updates/new/",
        {"status": status, "narrative": "We have stopped for now.", "status_reason": "  "},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert (
        f"Say why the action is {status}, in words for the public: they see it next to the status."
    ) in html
    with scopes_disabled():
        assert not ProgressUpdate.objects.exists()
        assert Action.objects.get(pk=action.pk).status == "not_started"


def test_a_paused_action_keeps_its_reason_and_a_restarted_one_drops_it(staff, org, cycle):
    action = make_action(cycle)
    page = f"/o/{org.slug}/actions/action/{action.pk}/"
    staff.post(
        f"{page}updates/new/",
        {"status": "paused", "narrative": "Paused.", "status_reason": "The venue is closed."},
    )
    html = staff.get(page).content.decode()
    assert "Why it is paused (shown to the public)" in html and "The venue is closed." in html
    staff.post(f"{page}updates/new/", {"status": "on_track", "narrative": "Back on."})
    with scopes_disabled():
        assert Action.objects.get(pk=action.pk).status_reason == ""
