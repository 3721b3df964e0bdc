"""Planning and recording engagement activities: the calendar, venues, reach, bad input."""

from datetime import date

import pytest
from django_scopes import scopes_disabled

from feedback.models import EngagementActivity
from stakeholders.tests.builders import make_stakeholder
from t2a.models import Role

from .builders import make_activity
from .conftest import url

pytestmark = pytest.mark.django_db


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
        ({"title": "x" * 5000}, "title", "at most 200 characters"),
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


def test_the_service_refuses_reach_for_a_group_outside_the_cycle(org, cycle, users):
    from django.core.exceptions import ValidationError
    from django_scopes import scope

    from feedback.services import activity_save

    activity = EngagementActivity(
        organisation=org,
        cycle=cycle,
        title="Pop-up",
        method="pop_up",
        held_on=date(2026, 2, 1),
        participants=4,
        reach={"Martians": 2},
    )
    with scope(organisation=org.pk), pytest.raises(ValidationError) as caught:
        activity_save(activity=activity, facilitators=[], actor=users[Role.ADMIN])
    assert "not one of this cycle's population groups" in str(caught.value)
    with scopes_disabled():
        assert not EngagementActivity.objects.exists()


def test_a_facilitator_from_another_organisation_is_refused(
    client_for, users, org, cycle, outsider
):
    response = client_for(users[Role.ADMIN]).post(
        url(org, "activity_create", cycle.pk), form_data(facilitators=[outsider.pk])
    )
    assert response.status_code == 400
    with scopes_disabled():
        assert not EngagementActivity.objects.exists()
