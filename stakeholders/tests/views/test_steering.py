"""A cycle's steering group (views/steering.py): members, meetings and decisions."""

from datetime import date

import pytest
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from cycles.selectors import readiness
from cycles.tests.builders import make_cycle
from stakeholders.models import Stakeholder, SteeringDecision, SteeringGroupMember, SteeringMeeting
from stakeholders.tests.builders import (
    link,
    make_decision,
    make_meeting,
    make_stakeholder,
    make_steering_member,
    measure_pages,
    populate_register,
)
from t2a.models import Role
from tests.matrix import STAFF, assert_role_matrix

VIEWERS = STAFF | {Role.COMMUNITY_LEAD, Role.GOVERNANCE}


def url(org, name, *args):
    return reverse(f"stakeholders:{name}", args=[org.slug, *args])


@pytest.mark.django_db
def test_another_organisations_admin_gets_404(org, users, outsider, client_for, cycle):
    meeting = make_meeting(cycle)
    member = make_steering_member(cycle, "nhs", user=users[Role.ADMIN])
    client = client_for(outsider)
    for path in (
        url(org, "steering_group", cycle.pk),
        url(org, "steering_member_add", cycle.pk),
        url(org, "steering_member_remove", cycle.pk, member.pk),
        url(org, "steering_meeting_create", cycle.pk),
        url(org, "steering_meeting", cycle.pk, meeting.pk),
        url(org, "steering_decision_add", cycle.pk, meeting.pk),
    ):
        assert client.get(path).status_code == 404, path
        assert client.post(path, {"text": "Leak", "sector": "nhs"}).status_code == 404, path
    with scopes_disabled():
        assert SteeringGroupMember.objects.count() == 1
        assert not SteeringDecision.objects.exists()


@pytest.mark.django_db
def test_steering_group_page_matrix(org, users, client_for, cycle):
    assert_role_matrix(client_for, users, url(org, "steering_group", cycle.pk), get=VIEWERS)


@pytest.mark.django_db
def test_add_member_matrix(org, users, client_for, cycle):
    people = {role: make_stakeholder(org, f"Person for {role}") for role in Role}
    for s in people.values():
        link(s, cycle)
    assert_role_matrix(
        client_for,
        users,
        url(org, "steering_member_add", cycle.pk),
        post=STAFF,
        data=lambda role: {"stakeholder": people[role].pk, "sector": "community"},
    )


@pytest.mark.django_db
def test_forming_the_group_turns_the_readiness_item_green(org, users, client_for, cycle):
    client = client_for(users[Role.ENGAGEMENT_LEAD])
    place = make_stakeholder(org, "Al-Noor Centre", sector="faith")
    voice = make_stakeholder(org, "Hodan Ali", sector="community")
    link(place, cycle)
    link(voice, cycle)
    add = url(org, "steering_member_add", cycle.pk)
    page = url(org, "steering_group", cycle.pk)
    assert client.post(add, {"stakeholder": voice.pk, "sector": "community"}).status_code == 302
    assert client.post(add, {"user": users[Role.ADMIN].pk, "sector": "nhs"}).status_code == 302
    assert "Not formed yet" in client.get(page).text
    response = client.post(
        add, {"user": users[Role.ENGAGEMENT_LEAD].pk, "sector": "local_authority", "role": "Chair"}
    )
    assert response.status_code == 302
    assert "The group has a community member" in client.get(page).text
    cycle_page = client.get(reverse("cycles:cycle_detail", args=[org.slug, cycle.pk])).text
    assert "Formed" in cycle_page
    with scope(organisation=org.pk):
        stage_one = readiness.evaluate(cycle, stages=[1])[1]
    assert next(r for r in stage_one.results if r.key == "steering_group_formed").met


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"sector": "community"}, "Choose either a stakeholder or a member"),
        ({"sector": "community", "stakeholder": "S", "user": "U"}, "Choose either a stakeholder"),
        ({"stakeholder": "S"}, "This field is required."),
        ({"stakeholder": "S", "sector": "army"}, "Select a valid choice"),
        ({"stakeholder": "OFF_MAP", "sector": "nhs"}, "Select a valid choice"),
    ],
)
def test_bad_member_input(org, users, client_for, cycle, data, message):
    on_map = make_stakeholder(org, "On the map")
    link(on_map, cycle)
    off_map = make_stakeholder(org, "Off the map")
    replace = {"S": on_map.pk, "U": users[Role.ADMIN].pk, "OFF_MAP": off_map.pk}
    data = {k: replace.get(v, v) for k, v in data.items()}
    response = client_for(users[Role.ADMIN]).post(url(org, "steering_member_add", cycle.pk), data)
    assert response.status_code == 400
    assert message in response.text
    with scopes_disabled():
        assert not SteeringGroupMember.objects.exists()


@pytest.mark.django_db
def test_adding_the_same_person_twice_is_refused(org, users, client_for, cycle):
    make_steering_member(cycle, "nhs", user=users[Role.ADMIN])
    response = client_for(users[Role.ADMIN]).post(
        url(org, "steering_member_add", cycle.pk), {"user": users[Role.ADMIN].pk, "sector": "nhs"}
    )
    assert response.status_code == 400
    assert "already on the steering group" in response.text
    with scopes_disabled():
        assert SteeringGroupMember.objects.count() == 1


@pytest.mark.django_db
def test_remove_member_matrix(org, users, client_for, cycle):
    def fresh(role):
        member = make_steering_member(cycle, "nhs", stakeholder=make_stakeholder(org, str(role)))
        return url(org, "steering_member_remove", cycle.pk, member.pk)

    assert_role_matrix(client_for, users, fresh, post=STAFF)


@pytest.mark.django_db
def test_a_member_of_another_cycle_cannot_be_removed_through_this_one(
    org, users, client_for, cycle
):
    other = make_cycle(org, "Other")
    member = make_steering_member(other, "nhs", user=users[Role.ADMIN])
    response = client_for(users[Role.ADMIN]).post(
        url(org, "steering_member_remove", cycle.pk, member.pk)
    )
    assert response.status_code == 404


@pytest.mark.django_db
def test_meetings_and_decisions(org, users, client_for, cycle):
    member = make_steering_member(cycle, "community", stakeholder=make_stakeholder(org))
    client = client_for(users[Role.ENGAGEMENT_LEAD])
    response = client.post(
        url(org, "steering_meeting_create", cycle.pk),
        {
            "held_on": "2026-03-04",
            "starts_at": "18:30",
            "agenda": "Agree the case for change",
            "minutes": "",
            "attendees": [member.pk],
            "confidentiality": "organisation",
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        meeting = SteeringMeeting.objects.get()
        assert list(meeting.attendees.all()) == [member]
    decided = client.post(
        url(org, "steering_decision_add", cycle.pk, meeting.pk),
        {
            "text": "Hold the listening events at the Al-Noor centre",
            "confidentiality": "organisation",
        },
    )
    assert decided.status_code == 302
    with scopes_disabled():
        assert SteeringDecision.objects.get().cycle == cycle
    # Decisions for the organisation are listed on the cycle page, for governance too.
    for role in (Role.ENGAGEMENT_LEAD, Role.GOVERNANCE, Role.COMMUNITY_LEAD):
        page = client_for(users[role]).get(
            reverse("cycles:cycle_detail", args=[org.slug, cycle.pk])
        )
        assert "Hold the listening events at the Al-Noor centre" in page.text, role


@pytest.mark.django_db
def test_meeting_matrix(org, users, client_for, cycle):
    """Meetings and decisions are recorded by staff who keep the group's record: here the
    cycle's engagement lead. The admin, who is not on the group, may not write a record
    they could not read back."""
    meeting = make_meeting(cycle, confidentiality="organisation")
    keepers = {Role.ENGAGEMENT_LEAD}
    assert_role_matrix(
        client_for,
        users,
        url(org, "steering_meeting_create", cycle.pk),
        get=keepers,
        post=keepers,
        data={"held_on": "2026-03-04", "confidentiality": "members"},
    )
    assert_role_matrix(
        client_for,
        users,
        url(org, "steering_meeting", cycle.pk, meeting.pk),
        get=VIEWERS,
        post=keepers,
        data={"held_on": "2026-03-05", "minutes": "Agreed.", "confidentiality": "organisation"},
    )
    assert_role_matrix(
        client_for,
        users,
        url(org, "steering_decision_add", cycle.pk, meeting.pk),
        post=keepers,
        data={"text": "Decided", "confidentiality": "members"},
    )


@pytest.mark.django_db
def test_an_admin_on_the_group_records_meetings(org, users, client_for, cycle):
    make_steering_member(cycle, "nhs", user=users[Role.ADMIN])
    response = client_for(users[Role.ADMIN]).post(
        url(org, "steering_meeting_create", cycle.pk), {"held_on": "2026-03-04"}
    )
    assert response.status_code == 302
    with scopes_disabled():
        # Neither the cycle's lead nor the chair: the level is not theirs to choose.
        assert SteeringMeeting.objects.get().confidentiality == "members"


@pytest.mark.django_db
def test_bad_meeting_and_decision_input(org, users, client_for, cycle):
    client = client_for(users[Role.ENGAGEMENT_LEAD])
    other_member = make_steering_member(make_cycle(org, "Other"), "nhs", user=users[Role.ADMIN])
    response = client.post(
        url(org, "steering_meeting_create", cycle.pk),
        {"held_on": "not a date", "attendees": [other_member.pk]},
    )
    assert response.status_code == 400
    assert "Enter a valid date." in response.text
    assert "Select a valid choice" in response.text
    response = client.post(
        url(org, "steering_meeting_create", cycle.pk),
        {"held_on": "2026-03-04", "confidentiality": "secret"},
    )
    assert response.status_code == 400
    assert "Select a valid choice. secret is not one of the available choices." in response.text
    meeting = make_meeting(cycle, date(2026, 1, 1))
    response = client.post(url(org, "steering_decision_add", cycle.pk, meeting.pk), {"text": " "})
    assert response.status_code == 400
    assert "This field is required." in response.text
    response = client.post(
        url(org, "steering_decision_add", cycle.pk, meeting.pk),
        {"text": "Decided", "confidentiality": "everyone"},
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.text
    with scopes_disabled():
        assert SteeringMeeting.objects.count() == 1
        assert not SteeringDecision.objects.exists()


@pytest.mark.django_db
def test_community_lead_reads_a_meeting_without_the_edit_form(org, users, client_for, cycle):
    meeting = make_meeting(cycle, minutes="We agreed the venue.", confidentiality="organisation")
    make_decision(meeting, "Use the Al-Noor centre", confidentiality="organisation")
    page = (
        client_for(users[Role.COMMUNITY_LEAD])
        .get(url(org, "steering_meeting", cycle.pk, meeting.pk))
        .text
    )
    assert "We agreed the venue." in page and "Use the Al-Noor centre" in page
    assert "Save meeting" not in page


# --- query counts -------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.ADMIN, Role.COMMUNITY_LEAD])
def test_query_counts_are_constant_from_10_to_2000_stakeholders(
    org, users, client_for, cycle, role, django_assert_max_num_queries
):
    client = client_for(users[role])
    staff = users[Role.ENGAGEMENT_LEAD]
    populate_register(org, cycle, 10, staff)
    pages = [url(org, "steering_group", cycle.pk)]
    small = measure_pages(client, pages)
    assert {status for _, status in small.values()} <= {200, 403}, small
    populate_register(org, cycle, 1990, staff)
    with scopes_disabled():
        assert Stakeholder.objects.filter(organisation=org).count() == 2000
    for page, (count, status) in small.items():
        with django_assert_max_num_queries(count):
            response = client.get(page)
        assert response.status_code == status, page
