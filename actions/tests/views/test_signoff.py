"""The sign-off views: sending the plan to the community leads, how many must approve, and
a lead's answer."""

import pytest
from django_scopes import scope, scopes_disabled

from actions.models import SignOff, SignOffRound
from actions.services.plan import action_update
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


# --- answers and rules that cannot mislead ---------------------------------------------------


def signoff_url(org, cycle) -> str:
    return f"/o/{org.slug}/actions/cycles/{cycle.pk}/plan/sign-off/"


def plan_url(org, cycle) -> str:
    return f"/o/{org.slug}/actions/cycles/{cycle.pk}/plan/"


def open_hash(cycle) -> str:
    with scopes_disabled():
        return SignOffRound.objects.get(plan__cycle=cycle, status="open").content_hash


def edit_title(org, action, by, title):
    with scope(organisation=org.pk):
        action.refresh_from_db()
        action_update(action=action, by=by, fields={"title": title})


def test_an_approval_resent_for_a_changed_plan_is_not_thanked(
    client_for, users, staff, org, cycle, action
):
    """The back button (or a double click) re-sends an approval for version 1 after the
    plan was signed off and then edited: nothing counts, and the lead is told so."""
    community = client_for(users[Role.COMMUNITY_LEAD])
    staff.post(f"{plan_url(org, cycle)}send/")
    old = {"decision": "approve", "content_hash": open_hash(cycle)}
    assert community.post(signoff_url(org, cycle), old).status_code == 302
    assert "Thank you. Your approval has been recorded." in (
        community.get(plan_url(org, cycle)).content.decode()
    )
    edit_title(org, action, users[Role.ENGAGEMENT_LEAD], "Late clinic on Tuesdays")

    response = community.post(signoff_url(org, cycle), old)
    html = response.content.decode()
    assert "Thank you" not in html
    assert "The plan has changed since you opened it, so your answer was not recorded." in html
    assert "Late clinic on Tuesdays" in html  # the plan as it is now
    assert response.status_code == 400

    # Once version 2 is sent, the old form is answered with version 2 to read.
    staff.post(f"{plan_url(org, cycle)}send/")
    response = community.post(signoff_url(org, cycle), old)
    html = response.content.decode()
    assert "Thank you" not in html and "Read version 2 below and answer again." in html
    assert "Late clinic on Tuesdays" in html
    assert f'value="{open_hash(cycle)}"' in html  # the new form answers version 2
    with scopes_disabled():
        assert not SignOff.objects.filter(round__version=2).exists()


def test_changing_who_must_approve_mid_round_starts_a_new_round(
    client_for, users, staff, org, cycle, action, two_leads
):
    first, second = two_leads
    staff.post(f"{plan_url(org, cycle)}send/")
    client_for(first).post(
        signoff_url(org, cycle), {"decision": "approve", "content_hash": open_hash(cycle)}
    )
    page = staff.get(f"{plan_url(org, cycle)}approvals/").content.decode()
    assert "Version 1 is waiting for answers" in page
    response = staff.post(
        f"{plan_url(org, cycle)}approvals/", {"rule": "minimum", "min_approvals": "1"}, follow=True
    )
    html = response.content.decode()
    # The lowered rule does not sign off the plan on the strength of the old answers.
    assert "version 1 was withdrawn and the same plan sent again as version 2" in html
    assert "Awaiting community sign-off" in html
    record = html[html.index('id="signoff-record"') :]
    version_1 = record[record.index('id="round-1"') :]
    assert "who must approve was changed" in version_1[:600]
    assert f"Superseded</strong> {first} approved" in version_1
    assert "this answer no longer counts" in version_1
    version_2 = record[record.index('id="round-2"') : record.index('id="round-1"')]
    assert "Who must approve: at least 1 community lead" in version_2
    assert "The rule changed</strong> from the version before: it was every community lead" in (
        version_2
    )
    # The second lead approves version 2: the record says who approved, under which rule,
    # and who had not answered.
    client_for(second).post(
        signoff_url(org, cycle), {"decision": "approve", "content_hash": open_hash(cycle)}
    )
    html = staff.get(plan_url(org, cycle)).content.decode()
    record = html[html.index('id="signoff-record"') :]
    version_2 = record[record.index('id="round-2"') : record.index('id="round-1"')]
    assert "Signed off</strong>" in version_2
    assert "Who must approve: at least 1 community lead (1 approval needed when it was signed" in (
        version_2
    )
    assert f"Approved</strong> {second}" in version_2
    assert f"Had not answered when it was signed off: {first}." in version_2


def test_superseded_answers_are_not_shown_as_approved(
    client_for, users, staff, org, cycle, action, two_leads
):
    first, _ = two_leads
    staff.post(f"{plan_url(org, cycle)}send/")
    client_for(first).post(
        signoff_url(org, cycle), {"decision": "approve", "content_hash": open_hash(cycle)}
    )
    edit_title(org, action, users[Role.ENGAGEMENT_LEAD], "Late clinic")
    html = staff.get(plan_url(org, cycle)).content.decode()
    assert "its answers no longer count" in html
    assert 'nhsuk-tag--green">Approved' not in html
    assert f"Superseded</strong> {first} approved" in html
    assert "this answer no longer counts" in html
