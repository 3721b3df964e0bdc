"""Who may read steering-group records (selectors/steering.py): the one rule, by role."""

import pytest
from django_scopes import scope

from cycles.tests.builders import make_cycle
from stakeholders.models import Confidentiality, SteeringDecision, SteeringMeeting
from stakeholders.selectors.steering import (
    readable_decisions,
    readable_meetings,
    shareable_outside,
    steering_access,
    steering_record_keepers,
    steering_record_shared_outside,
)
from stakeholders.tests.builders import (
    make_chair,
    make_decision,
    make_meeting,
    make_steering_member,
)
from t2a.models import Membership, Role
from tests.cast import make_member

LEVELS = [c.value for c in Confidentiality]


@pytest.fixture
def group(org, users, cycle):
    """The cycle's group: a community lead on it (the chair) and one record per level."""
    seated = make_member(org, Role.COMMUNITY_LEAD, "seated@example.org")
    cycle.community_leads.add(seated)
    make_chair(cycle, seated)
    meetings = {level: make_meeting(cycle, confidentiality=level) for level in LEVELS}
    decisions = {
        level: make_decision(meetings[level], f"Decided {level}", confidentiality=level)
        for level in LEVELS
    }
    return seated, meetings, decisions


def _membership(org, user) -> Membership:
    with scope(organisation=org.pk):
        return Membership.objects.get(user=user)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "reads_members_only", "sets_levels", "records"),
    [
        (Role.ENGAGEMENT_LEAD, True, True, True),  # the cycle's lead
        ("seated", True, True, False),  # the chair, a community lead
        (Role.ADMIN, False, False, False),
        (Role.COMMUNITY_LEAD, False, False, False),  # on the cycle, not on the group
        (Role.GOVERNANCE, False, False, False),
    ],
)
def test_access_by_role(org, users, cycle, group, who, reads_members_only, sets_levels, records):
    seated, meetings, decisions = group
    user = seated if who == "seated" else users[who]
    membership = _membership(org, user)
    with scope(organisation=org.pk):
        access = steering_access(membership=membership, cycle=cycle)
        expected = set(LEVELS) if reads_members_only else {"organisation", "public_summary"}
        assert {m.confidentiality for m in meetings.values() if access.may_read(m)} == expected
        assert access.may_set_levels is sets_levels
        assert access.may_record is records
        # The queryset filter says the same as the per-cycle answer.
        found = readable_meetings(membership=membership, meetings=SteeringMeeting.objects.all())
        assert {m.confidentiality for m in found} == expected
        decided = readable_decisions(membership=membership)
        assert {d.text for d in decided} == {f"Decided {level}" for level in expected}


@pytest.mark.django_db
def test_another_engagement_lead_does_not_read_members_only(org, users, cycle, group):
    other_lead = make_member(org, Role.ENGAGEMENT_LEAD, "other-lead@example.org")
    membership = _membership(org, other_lead)
    with scope(organisation=org.pk):
        access = steering_access(membership=membership, cycle=cycle)
        assert access.opens_group and not access.keeps_record and not access.may_set_levels
        assert (
            not readable_decisions(membership=membership).filter(confidentiality="members").exists()
        )


@pytest.mark.django_db
def test_a_seat_on_one_cycle_opens_only_that_cycles_records(org, users, cycle, group):
    seated, _, _ = group
    other = make_cycle(org, "Other", community_leads=(seated,))
    secret = make_decision(make_meeting(other, confidentiality="members"), "Other secret")
    membership = _membership(org, seated)
    with scope(organisation=org.pk):
        assert not steering_access(membership=membership, cycle=other).keeps_record
        assert secret not in readable_decisions(membership=membership)


@pytest.mark.django_db
def test_a_cycle_the_member_may_not_see_gives_nothing(org, users, group):
    hidden = make_cycle(org, "Not theirs")
    make_decision(make_meeting(hidden, confidentiality="public_summary"), "Open, elsewhere")
    membership = _membership(org, users[Role.COMMUNITY_LEAD])
    with scope(organisation=org.pk):
        access = steering_access(membership=membership, cycle=hidden)
        assert not access.opens_group and access.levels == frozenset()
        assert not readable_decisions(membership=membership).filter(cycle=hidden).exists()


@pytest.mark.django_db
def test_only_public_summaries_leave_the_organisation(org, cycle, group):
    _, meetings, decisions = group
    with scope(organisation=org.pk):
        assert list(shareable_outside(SteeringDecision.objects.all())) == [
            decisions["public_summary"]
        ]
        assert list(shareable_outside(SteeringMeeting.objects.all())) == [
            meetings["public_summary"]
        ]
        shared = steering_record_shared_outside(cycle=cycle)
    assert [d["text"] for d in shared["decisions"]] == ["Decided public_summary"]
    assert shared["decisions_kept_inside"] == 2
    assert shared["meetings_held"] == 3


@pytest.mark.django_db
def test_record_keepers_are_the_lead_and_seated_members(org, users, cycle, group):
    seated, _, _ = group
    make_steering_member(cycle, "nhs", stakeholder=None, user=users[Role.GOVERNANCE])
    with scope(organisation=org.pk):
        keepers = steering_record_keepers(cycles=[cycle])
    assert keepers == {
        cycle.pk: {users[Role.ENGAGEMENT_LEAD].pk, seated.pk, users[Role.GOVERNANCE].pk}
    }


@pytest.mark.django_db
def test_access_is_one_query(org, users, cycle, group, django_assert_num_queries):
    membership = _membership(org, users[Role.ADMIN])
    with scope(organisation=org.pk), django_assert_num_queries(1):
        steering_access(membership=membership, cycle=cycle)
