"""Reads for community-lead preparation, filtered by who asks (selectors/preparation.py)."""

import pytest
from django_scopes import scope, scopes_disabled

from stakeholders.selectors.preparation import checkins_visible_to
from stakeholders.tests.builders import add_lead, make_checkin
from t2a.models import Membership, Role
from tests.cast import make_member


@pytest.fixture
def lead(users):
    return users[Role.COMMUNITY_LEAD]


@pytest.fixture
def other_lead(org, cycle):
    """A second community lead on the same cycle."""
    return add_lead(cycle, make_member(org, Role.COMMUNITY_LEAD, "hodan@northgate.example.org"))


@pytest.mark.django_db
def test_selectors_filter_check_ins_by_who_asks(org, users, cycle, lead, other_lead):
    mine = make_checkin(cycle, lead, users[Role.ENGAGEMENT_LEAD])
    theirs = make_checkin(cycle, other_lead, users[Role.ENGAGEMENT_LEAD])
    with scopes_disabled():
        members = {m.user_id: m for m in Membership.objects.filter(organisation=org)}
    with scope(organisation=org.pk):

        def visible(user):
            return set(checkins_visible_to(members[user.pk]))

        assert visible(users[Role.ADMIN]) == {mine, theirs}
        assert visible(users[Role.ENGAGEMENT_LEAD]) == {mine, theirs}
        assert visible(lead) == {mine}
        assert visible(other_lead) == {theirs}
        assert visible(users[Role.GOVERNANCE]) == set()
