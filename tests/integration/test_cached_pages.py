"""What pages cache (readiness, the cycle page's and the organisation home's panels, the
trust indicators) is named by the data version every writing service moves on, so a
change shows on the very next request, and never a stale read.

Each test loads a page (which caches its parts), makes one change through the service a
person's form would call, and loads the page again: it must differ from before, and be
exactly what the page shows when nothing is cached.
"""

import re
from datetime import date

import pytest
from django.core.cache import cache
from django.utils import timezone
from django_scopes import scope

from actions.services.plan import action_create
from actions.services.priorities import priority_create
from actions.services.progress import progress_update_create
from cycles.services.cycles import cycle_create
from cycles.tests.builders import cycle_url
from feedback.models import Insight
from feedback.services.insight import insight_save
from stakeholders.models import CheckIn
from stakeholders.services.conversations import conversation_log
from stakeholders.services.preparation import checkin_save
from stakeholders.services.steering import steering_member_add
from stakeholders.tests.builders import make_stakeholder
from t2a.models import Membership, Role
from t2a.services.organisations import membership_change_role

pytestmark = pytest.mark.django_db

# Differ on every request whatever the data: the CSP nonce and the CSRF token.
PER_REQUEST = re.compile(r'(nonce|value|content)="[A-Za-z0-9+/=_-]{20,}"')


def html(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return PER_REQUEST.sub("", response.content.decode())


def assert_shows_change(client, url: str, change) -> None:
    before = html(client, url)
    html(client, url)  # served from the cache now
    change()
    after = html(client, url)
    assert after != before, "the change does not show"
    cache.clear()
    assert after == html(client, url), "the page showed a stale copy"


def home(org) -> str:
    return f"/o/{org.slug}/"


def new_insight(cycle, by):
    def change():
        with scope(organisation=cycle.organisation_id):
            insight = Insight(
                organisation_id=cycle.organisation_id,
                cycle=cycle,
                summary="The clinic letters arrive after the appointment.",
                captured_at=timezone.now(),
            )
            insight_save(
                insight=insight,
                theme_names=[],
                credit_consent=False,
                record_consent=True,
                actor=by,
            )

    return change


def new_action(cycle, by):
    def change():
        with scope(organisation=cycle.organisation_id):
            priority = priority_create(cycle=cycle, by=by, title="Letters that arrive in time")
            action_create(
                cycle=cycle,
                by=by,
                fields={"title": "Text reminders", "priority": priority},
            )

    return change


# The cycle page: its readiness and each app's panel -------------------------------------


def test_cycle_page_readiness_shows_a_new_insight(client_for, users, cycle):
    client = client_for(users[Role.ENGAGEMENT_LEAD])
    assert_shows_change(client, cycle_url(cycle), new_insight(cycle, users[Role.ADMIN]))


def test_cycle_list_row_shows_a_new_insight(client_for, users, cycle, org):
    cycle.current_stage = 3  # the row shows the current stage's readiness
    cycle.save(update_fields=["current_stage"])
    client = client_for(users[Role.ENGAGEMENT_LEAD])
    url = f"/o/{org.slug}/cycles/"
    assert_shows_change(client, url, new_insight(cycle, users[Role.ADMIN]))


def test_cycle_page_listening_panel_shows_a_new_insight(client_for, users, cycle):
    client = client_for(users[Role.GOVERNANCE])
    page = html(client, cycle_url(cycle))
    assert "0 insights" in page or "0 insight" in page
    new_insight(cycle, users[Role.ADMIN])()
    assert "1 insight" in html(client, cycle_url(cycle))


def test_cycle_page_plan_panel_shows_a_new_action(client_for, users, cycle):
    client = client_for(users[Role.COMMUNITY_LEAD])
    assert_shows_change(client, cycle_url(cycle), new_action(cycle, users[Role.ADMIN]))


def test_cycle_page_stakeholders_panel_shows_a_new_steering_member(client_for, users, cycle):
    client = client_for(users[Role.ADMIN])

    def change():
        with scope(organisation=cycle.organisation_id):
            steering_member_add(
                cycle=cycle, sector="community", stakeholder=make_stakeholder(cycle.organisation)
            )

    assert_shows_change(client, cycle_url(cycle), change)


# The organisation home's panels ----------------------------------------------------------


def test_home_cycles_panel_shows_a_new_cycle(client_for, users, org):
    client = client_for(users[Role.ADMIN])

    def change():
        with scope(organisation=org.pk):
            cycle_create(
                organisation=org,
                fields={
                    "title": "Hearing checks in Eastside",
                    "inequality": "Late diagnosis",
                    "place": "Eastside",
                    "status": "active",
                },
            )

    assert_shows_change(client, home(org), change)


def test_home_listening_panel_shows_a_new_insight(client_for, users, cycle, org):
    client = client_for(users[Role.ENGAGEMENT_LEAD])
    assert_shows_change(client, home(org), new_insight(cycle, users[Role.ADMIN]))


def test_home_plans_and_indicators_show_a_new_action_and_its_update(client_for, users, cycle, org):
    client = client_for(users[Role.GOVERNANCE])
    assert_shows_change(client, home(org), new_action(cycle, users[Role.ADMIN]))

    def update():
        with scope(organisation=org.pk):
            action = cycle.plan.actions.get()
            progress_update_create(
                action=action,
                by=users[Role.ADMIN],
                status="at_risk",
                narrative="The printer broke.",
                public=True,
            )

    assert_shows_change(client, home(org), update)
    governance = f"/o/{org.slug}/actions/governance/"
    assert_shows_change(client, governance, new_insight(cycle, users[Role.ADMIN]))


def test_home_relationships_panel_shows_a_new_conversation(client_for, users, org):
    client = client_for(users[Role.ADMIN])

    def change():
        with scope(organisation=org.pk):
            conversation_log(
                organisation=org,
                held_on=timezone.localdate(),
                stakeholders=[make_stakeholder(org)],
                staff_member=users[Role.ENGAGEMENT_LEAD],
                channel="in_person",
                summary="Talked about evening clinics.",
                meaningful=True,
            )

    assert_shows_change(client, home(org), change)


def test_home_preparation_panel_shows_a_new_checkin(client_for, users, cycle, org):
    lead = users[Role.COMMUNITY_LEAD]
    client = client_for(lead)

    def change():
        with scope(organisation=org.pk):
            checkin = CheckIn(
                organisation_id=org.pk,
                cycle=cycle,
                community_lead=lead,
                held_by=users[Role.ENGAGEMENT_LEAD],
            )
            checkin_save(
                checkin=checkin,
                held_on=timezone.localdate(),
                kind="wellbeing",
                notes="Going well.",
                next_due_on=date(2099, 1, 1),
            )

    assert_shows_change(client, home(org), change)


# The request's base: the member's role ---------------------------------------------------


def test_a_role_change_counts_from_the_very_next_request(client_for, users, org):
    lead = users[Role.ENGAGEMENT_LEAD]
    client = client_for(lead)
    url = f"/o/{org.slug}/cycles/new/"
    assert client.get(url).status_code == 200
    with scope(organisation=org.pk):
        membership_change_role(membership=Membership.objects.get(user=lead), role=Role.GOVERNANCE)
    assert client.get(url).status_code == 403
    with scope(organisation=org.pk):
        Membership.objects.filter(user=lead).delete()
    assert client.get(url).status_code == 404
