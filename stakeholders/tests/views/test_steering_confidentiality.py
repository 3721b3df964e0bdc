"""Confidentiality of steering-group records on the steering pages (views/steering.py):
the level shown on each meeting and decision, the record hidden from who may not read
it, and the level set by the cycle's engagement lead or the group's chair."""

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from cycles.tests.builders import make_cycle
from stakeholders.models import SteeringDecision, SteeringGroupMember, SteeringMeeting
from stakeholders.tests.builders import (
    make_chair,
    make_decision,
    make_meeting,
    make_stakeholder,
    make_steering_member,
)
from t2a.models import Role
from tests.cast import make_member
from tests.matrix import STAFF, assert_role_matrix

MINUTES = "Minutes: the finance gap of the trust, in confidence."
DECISION = "Decided in confidence: pause the pilot."
NOTE = "This record is for steering-group members only."


def url(org, name, *args):
    return reverse(f"stakeholders:{name}", args=[org.slug, *args])


@pytest.fixture
def confidential(cycle):
    meeting = make_meeting(cycle, minutes=MINUTES, agenda="1. Finance", confidentiality="members")
    attendee = make_steering_member(cycle, "nhs", stakeholder=make_stakeholder(cycle.organisation))
    with scopes_disabled():
        meeting.attendees.set([attendee])
    decision = make_decision(meeting, DECISION, confidentiality="members")
    return meeting, decision


@pytest.fixture
def chair(org, cycle):
    user = make_member(org, Role.COMMUNITY_LEAD, "chair@example.org")
    cycle.community_leads.add(user)
    make_chair(cycle, user)
    return user


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "reads"),
    [
        (Role.ENGAGEMENT_LEAD, True),
        (Role.ADMIN, False),
        (Role.COMMUNITY_LEAD, False),
        (Role.GOVERNANCE, False),
    ],
)
def test_meeting_page_shows_or_withholds_the_record(
    org, users, client_for, cycle, confidential, role, reads
):
    meeting, _ = confidential
    page = client_for(users[role]).get(url(org, "steering_meeting", cycle.pk, meeting.pk))
    assert page.status_code == 200
    text = page.text
    assert "Steering-group members only" in text  # the level, as a tag
    assert (MINUTES in text) is reads
    assert (DECISION in text) is reads
    assert ("1. Finance" in text) is reads
    assert (NOTE in text) is not reads
    if not reads:
        assert "Attendees" not in text
        assert "1 decision for steering-group members only, not shown to you." in text


@pytest.mark.django_db
def test_a_seated_member_and_the_chair_read_it(org, users, client_for, cycle, confidential, chair):
    meeting, _ = confidential
    make_steering_member(cycle, "nhs", user=users[Role.GOVERNANCE])
    for user in (chair, users[Role.GOVERNANCE]):
        text = client_for(user).get(url(org, "steering_meeting", cycle.pk, meeting.pk)).text
        assert MINUTES in text and DECISION in text and NOTE not in text


@pytest.mark.django_db
def test_group_page_and_cycle_page_tag_each_record(org, users, client_for, cycle, confidential):
    meeting, _ = confidential
    make_decision(meeting, "Open to all of us", confidentiality="organisation")
    for role in (Role.COMMUNITY_LEAD, Role.ENGAGEMENT_LEAD):
        client = client_for(users[role])
        group = client.get(url(org, "steering_group", cycle.pk)).text
        cycle_page = client.get(reverse("cycles:cycle_detail", args=[org.slug, cycle.pk])).text
        for text in (group, cycle_page):
            assert "Open to all of us" in text
            assert "The organisation" in text
            assert (DECISION in text) is (role == Role.ENGAGEMENT_LEAD)
        if role == Role.COMMUNITY_LEAD:
            assert "And 1 decision for steering-group members only" in group
        assert "Steering-group members only" in group  # the meeting's tag


@pytest.mark.django_db
def test_the_lead_sets_a_meeting_to_members_only(org, users, client_for, cycle):
    meeting = make_meeting(cycle, minutes=MINUTES, confidentiality="organisation")
    reader = client_for(users[Role.COMMUNITY_LEAD])
    page = url(org, "steering_meeting", cycle.pk, meeting.pk)
    assert MINUTES in reader.get(page).text
    response = client_for(users[Role.ENGAGEMENT_LEAD]).post(
        url(org, "steering_meeting_confidentiality", cycle.pk, meeting.pk),
        {"confidentiality": "members"},
    )
    assert response.status_code == 302
    text = reader.get(page).text
    assert MINUTES not in text and NOTE in text


@pytest.mark.django_db
def test_meeting_level_matrix(org, users, client_for, cycle, chair):
    meeting = make_meeting(cycle, confidentiality="organisation")
    target = url(org, "steering_meeting_confidentiality", cycle.pk, meeting.pk)
    assert_role_matrix(
        client_for,
        users,
        target,
        post={Role.ENGAGEMENT_LEAD},
        data={"confidentiality": "public_summary"},
    )
    assert client_for(chair).post(target, {"confidentiality": "members"}).status_code == 302
    with scopes_disabled():
        meeting.refresh_from_db()
    assert meeting.confidentiality == "members"
    assert client_for(chair).get(target).status_code == 405


@pytest.mark.django_db
def test_decision_level_matrix(org, users, client_for, cycle, chair):
    meeting = make_meeting(cycle)
    decision = make_decision(meeting, DECISION, confidentiality="members")
    target = url(org, "steering_decision_confidentiality", cycle.pk, meeting.pk, decision.pk)
    assert_role_matrix(
        client_for, users, target, post={Role.ENGAGEMENT_LEAD}, data={"confidentiality": "members"}
    )
    response = client_for(chair).post(target, {"confidentiality": "public_summary"})
    assert response.status_code == 302
    with scopes_disabled():
        assert SteeringDecision.objects.get().confidentiality == "public_summary"


@pytest.mark.django_db
def test_bad_level_input_changes_nothing(org, users, client_for, cycle, confidential):
    meeting, decision = confidential
    client = client_for(users[Role.ENGAGEMENT_LEAD])
    for target in (
        url(org, "steering_meeting_confidentiality", cycle.pk, meeting.pk),
        url(org, "steering_decision_confidentiality", cycle.pk, meeting.pk, decision.pk),
    ):
        for data in ({}, {"confidentiality": "everyone"}, {"confidentiality": "x" * 5000}):
            response = client.post(target, data)
            assert response.status_code == 400, (target, data)
            assert "There is a problem" in response.text
    with scopes_disabled():
        assert SteeringMeeting.objects.get().confidentiality == "members"
        assert SteeringDecision.objects.get().confidentiality == "members"


@pytest.mark.django_db
def test_a_decision_of_another_meeting_or_cycle_is_404(org, users, client_for, cycle):
    meeting = make_meeting(cycle)
    other_meeting = make_meeting(make_cycle(org, "Other", lead=users[Role.ENGAGEMENT_LEAD]))
    elsewhere = make_decision(other_meeting, "Elsewhere")
    client = client_for(users[Role.ENGAGEMENT_LEAD])
    response = client.post(
        url(org, "steering_decision_confidentiality", cycle.pk, meeting.pk, elsewhere.pk),
        {"confidentiality": "public_summary"},
    )
    assert response.status_code == 404
    with scopes_disabled():
        assert SteeringDecision.objects.get().confidentiality == "members"


@pytest.mark.django_db
def test_other_organisation_gets_404(org, users, outsider, client_for, cycle, confidential):
    meeting, decision = confidential
    member = SteeringGroupMember.objects.none()
    with scopes_disabled():
        member = SteeringGroupMember.objects.filter(cycle=cycle).first()
    client = client_for(outsider)
    for target in (
        url(org, "steering_meeting_confidentiality", cycle.pk, meeting.pk),
        url(org, "steering_decision_confidentiality", cycle.pk, meeting.pk, decision.pk),
        url(org, "steering_chair_set", cycle.pk, member.pk),
    ):
        assert client.post(target, {"confidentiality": "public_summary"}).status_code == 404
    with scopes_disabled():
        assert SteeringMeeting.objects.get().confidentiality == "members"
        assert not SteeringGroupMember.objects.filter(is_chair=True).exists()


@pytest.mark.django_db
def test_chair_set_matrix_and_one_chair(org, users, client_for, cycle):
    def fresh(role):
        member = make_steering_member(cycle, "nhs", stakeholder=make_stakeholder(org, str(role)))
        return url(org, "steering_chair_set", cycle.pk, member.pk)

    assert_role_matrix(client_for, users, fresh, post=STAFF)
    with scopes_disabled():
        # Each make-chair moved the chair: there is still only one.
        assert SteeringGroupMember.objects.filter(cycle=cycle, is_chair=True).count() == 1


@pytest.mark.django_db
def test_adding_a_second_chair_is_refused(org, users, client_for, cycle, chair):
    response = client_for(users[Role.ADMIN]).post(
        url(org, "steering_member_add", cycle.pk),
        {"user": users[Role.ADMIN].pk, "sector": "nhs", "is_chair": "on"},
    )
    assert response.status_code == 400
    assert "The steering group already has a chair." in response.text
    with scopes_disabled():
        assert not SteeringGroupMember.objects.filter(user=users[Role.ADMIN]).exists()


@pytest.mark.django_db
def test_only_the_lead_and_chair_are_offered_the_level(org, users, client_for, cycle, chair):
    make_steering_member(cycle, "nhs", user=users[Role.ADMIN])
    meeting = make_meeting(cycle)
    make_decision(meeting)
    page = url(org, "steering_meeting", cycle.pk, meeting.pk)
    lead = client_for(users[Role.ENGAGEMENT_LEAD]).get(page).text
    assert "Who may read the agenda, minutes and attendees" in lead
    assert 'name="confidentiality"' in lead
    seated_admin = client_for(users[Role.ADMIN]).get(page).text
    assert "Save meeting" in seated_admin and 'name="confidentiality"' not in seated_admin
    as_chair = client_for(chair).get(page).text
    assert "Save who may read the record" in as_chair and "Save meeting" not in as_chair


@pytest.mark.django_db
def test_a_meeting_hidden_from_the_admin_cannot_be_edited_by_them(
    org, users, client_for, cycle, confidential
):
    meeting, _ = confidential
    response = client_for(users[Role.ADMIN]).post(
        url(org, "steering_meeting", cycle.pk, meeting.pk),
        {"held_on": "2026-03-05", "minutes": "Overwritten"},
    )
    assert response.status_code == 403
    with scopes_disabled():
        assert SteeringMeeting.objects.get().minutes == MINUTES


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.ENGAGEMENT_LEAD, Role.COMMUNITY_LEAD])
def test_query_counts_do_not_grow_with_meetings_and_decisions(
    org, users, client_for, cycle, role, django_assert_max_num_queries
):
    client = client_for(users[role])
    first = make_meeting(cycle)
    make_decision(first)
    pages = [url(org, "steering_group", cycle.pk), url(org, "steering_meeting", cycle.pk, first.pk)]
    counts = {}
    for page in pages:
        with django_assert_max_num_queries(1000) as captured:
            assert client.get(page).status_code == 200
        counts[page] = len(captured)
    for n in range(30):
        meeting = make_meeting(cycle, confidentiality=["members", "organisation"][n % 2])
        make_decision(
            meeting, f"Decision {n}", confidentiality=["members", "public_summary"][n % 2]
        )
        make_decision(first, f"Also {n}", confidentiality=["organisation", "members"][n % 2])
    for page in pages:
        with django_assert_max_num_queries(counts[page]):
            assert client.get(page).status_code == 200
