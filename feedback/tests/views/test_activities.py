"""Listening's overview and a cycle's activity calendar; planning and editing activities
(views/activities.py)."""

from datetime import date

import pytest
from django_scopes import scopes_disabled

from feedback.models import EngagementActivity
from feedback.tests.builders import count_queries, grow_insight, make_activity, make_theme
from feedback.tests.conftest import url
from stakeholders.tests.builders import make_stakeholder
from t2a.models import Role
from tests.cast import make_member
from tests.matrix import ALL_ROLES, STAFF, assert_role_matrix

pytestmark = pytest.mark.django_db


def test_another_organisations_admin_gets_404(client_for, outsider, org, cycle, activity):
    client = client_for(outsider)
    for path in (
        url(org, "home"),
        url(org, "cycle", cycle.pk),
        url(org, "activity_create", cycle.pk),
        url(org, "activity_detail", activity.pk),
        url(org, "activity_edit", activity.pk),
    ):
        assert client.get(path).status_code == 404, path
    assert client.post(url(org, "activity_create", cycle.pk)).status_code == 404


def test_a_community_lead_not_on_the_cycle_gets_404(client_for, org, cycle, activity):
    stranger = make_member(org, Role.COMMUNITY_LEAD, "other.lead@northgate.example.org")
    client = client_for(stranger)
    for path in [url(org, "cycle", cycle.pk), url(org, "activity_detail", activity.pk)]:
        assert client.get(path).status_code == 404, path


def test_listening_home(client_for, users, org):
    assert_role_matrix(client_for, users, url(org, "home"), get=ALL_ROLES)


def test_cycle_calendar(client_for, users, org, cycle, activity):
    assert_role_matrix(client_for, users, url(org, "cycle", cycle.pk), get=ALL_ROLES)


def test_activity_create(client_for, users, org, cycle):
    data = {"title": "Café", "method": "conversation_cafe", "held_on": "2026-02-01"}
    data["status"] = "planned"
    assert_role_matrix(
        client_for, users, url(org, "activity_create", cycle.pk), get=STAFF, post=STAFF, data=data
    )


def test_activity_detail_and_edit(client_for, users, org, activity):
    assert_role_matrix(client_for, users, url(org, "activity_detail", activity.pk), get=ALL_ROLES)
    assert_role_matrix(
        client_for, users, url(org, "activity_edit", activity.pk), get=STAFF, post=STAFF
    )


def form_data(**changes) -> dict:
    return {
        "title": "Conversation café at the Al-Noor centre",
        "method": "conversation_cafe",
        "held_on": "2026-02-10",
        "starts_at": "10:30",
        "status": "held",
        "participants": "14",
        "reach_0": "9",
        "reach_1": "5",
        "languages": "English, Somali",
        "access_adaptations": "Interpreter and childcare",
    } | changes


def test_staff_plan_an_activity_in_a_trusted_place(client_for, users, org, cycle):
    place = make_stakeholder(org, "Al-Noor community centre", kind="place", trusted_place=True)
    lead = users[Role.COMMUNITY_LEAD]
    response = client_for(users[Role.ENGAGEMENT_LEAD]).post(
        url(org, "activity_create", cycle.pk),
        form_data(venue=place.pk, facilitators=[lead.pk], community_led="on"),
    )
    assert response.status_code == 302
    with scopes_disabled():
        activity = EngagementActivity.objects.get()
        assert activity.venue == place
        assert list(activity.facilitators.all()) == [lead]
        assert activity.reach == {"Black African women": 9, "Somali families": 5}
        assert activity.created_by == users[Role.ENGAGEMENT_LEAD]


def test_the_venue_list_offers_only_trusted_places_of_this_organisation(
    client_for, users, org, other_org, cycle
):
    make_stakeholder(org, "Eastside library", kind="place", trusted_place=True)
    make_stakeholder(org, "Town hall", kind="place", trusted_place=False)
    make_stakeholder(other_org, "Southfield mosque", kind="place", trusted_place=True)
    page = client_for(users[Role.ADMIN]).get(url(org, "activity_create", cycle.pk))
    body = page.content.decode()
    assert "Eastside library" in body
    assert "Town hall" not in body
    assert "Southfield mosque" not in body


def test_the_calendar_lists_activities_by_month(client_for, users, org, cycle):
    make_activity(cycle, "March pop-up", held_on=date(2026, 3, 2))
    make_activity(cycle, "February café", held_on=date(2026, 2, 20), venue_text="St Mark's hall")
    body = client_for(users[Role.GOVERNANCE]).get(url(org, "cycle", cycle.pk)).content.decode()
    assert body.index("February 2026") < body.index("February café") < body.index("March 2026")
    assert body.index("March 2026") < body.index("March pop-up")
    assert "St Mark&#x27;s hall" in body


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"participants": "-3"}, "participants", "must be 0 or more"),
        ({"participants": "5", "reach_0": "9"}, "reach_0", "cannot be more than the 5"),
        ({"participants": "", "reach_0": "3"}, "reach_0", "Enter the number of participants"),
        ({"reach_1": "-1"}, "reach_1", "must be 0 or more"),
        ({"held_on": "2025-12-31"}, "held_on", "on or after the cycle started (5 January 2026)"),
        ({"held_on": "31/02/2026"}, "held_on", "Enter a real date"),
        ({"title": ""}, "title", "This field is required"),
        ({"method": "seance"}, "method", "Select a valid choice"),
        ({"title": "x" * 5000}, "title", "200 characters or fewer"),
        ({"venue_text": "Somewhere", "venue": "PLACE"}, "venue_text", "not both"),
    ],
)
def test_bad_input_is_refused_with_a_clear_error_and_nothing_saved(
    client_for, users, org, cycle, changes, field, message
):
    place = make_stakeholder(org, "Library", kind="place", trusted_place=True)
    if changes.get("venue") == "PLACE":
        changes["venue"] = place.pk
    response = client_for(users[Role.ADMIN]).post(
        url(org, "activity_create", cycle.pk), form_data(**changes)
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body
    assert message in body
    assert f'href="#id_{field}"' in body
    assert body.startswith("<!DOCTYPE html>") and "<title>Error:" in body
    with scopes_disabled():
        assert not EngagementActivity.objects.exists()


def test_editing_cannot_push_reach_above_participants(client_for, users, org, cycle):
    activity = make_activity(cycle, participants=10, reach={"Black African women": 8})
    response = client_for(users[Role.ADMIN]).post(
        url(org, "activity_edit", activity.pk), form_data(participants="6", reach_0="8")
    )
    assert response.status_code == 400
    with scopes_disabled():
        activity.refresh_from_db()
    assert activity.participants == 10
    assert activity.title == "Pop-up at Eastside library"


def test_a_facilitator_from_another_organisation_is_refused(
    client_for, users, org, cycle, outsider
):
    response = client_for(users[Role.ADMIN]).post(
        url(org, "activity_create", cycle.pk), form_data(facilitators=[outsider.pk])
    )
    assert response.status_code == 400
    with scopes_disabled():
        assert not EngagementActivity.objects.exists()


# Measured, then written down: a change that adds a per-row query breaks these.
LIMITS = {"cycle": 11, "home": 7, "activity_detail": 10}


@pytest.mark.parametrize("role", [Role.ENGAGEMENT_LEAD, Role.COMMUNITY_LEAD])
def test_query_counts_do_not_grow_with_insight(
    role, client_for, users, org, cycle, django_assert_max_num_queries
):
    activities = [
        make_activity(cycle, f"Activity {n}", held_on=date(2026, 2, 1 + n)) for n in range(6)
    ]
    themes = [make_theme(cycle, f"Theme {n}") for n in range(12)]
    client = client_for(users[role])
    pages = {
        "cycle": url(org, "cycle", cycle.pk),
        "home": url(org, "home"),
        "activity_detail": url(org, "activity_detail", activities[0].pk),
    }
    grow_insight(cycle, activities, themes, 10, users[Role.COMMUNITY_LEAD])
    small = {name: count_queries(client, path) for name, path in pages.items()}
    grow_insight(cycle, activities, themes, 5000, users[Role.COMMUNITY_LEAD])
    for name, path in pages.items():
        with django_assert_max_num_queries(LIMITS[name]):
            large = count_queries(client, path)
        assert large == small[name], f"{name}: {small[name]} queries for 10, {large} for 5,000"


def test_an_activity_records_how_consent_to_record_was_gathered(client_for, users, org, cycle):
    client = client_for(users[Role.ENGAGEMENT_LEAD])
    note = "We explained how notes are used and everyone at the table agreed out loud."
    form = client.get(url(org, "activity_create", cycle.pk)).content.decode()
    assert "How consent to record was gathered (optional)" in form
    response = client.post(
        url(org, "activity_create", cycle.pk), form_data(record_consent_note=note)
    )
    assert response.status_code == 302
    with scopes_disabled():
        activity = EngagementActivity.objects.get()
    assert activity.record_consent_note == note
    html = client.get(url(org, "activity_detail", activity.pk)).content.decode()
    assert note in html
    too_long = client.post(
        url(org, "activity_create", cycle.pk), form_data(record_consent_note="x" * 1001)
    )
    assert too_long.status_code == 400 and "There is a problem" in too_long.content.decode()
    with scopes_disabled():
        assert EngagementActivity.objects.count() == 1
