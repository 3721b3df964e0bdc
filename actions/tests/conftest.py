import pytest
from django_scopes import scopes_disabled

from t2a.models import Role, User
from tests.cast import make_member


@pytest.fixture
def second_lead(org) -> User:
    """A second community lead of `org`, not on any cycle until a test puts them there."""
    return make_member(org, Role.COMMUNITY_LEAD, "second.lead@northgate.example.org")


@pytest.fixture
def two_leads(cycle, users, second_lead) -> tuple[User, User]:
    """The root `cycle` with a second community lead beside the organisation's own: the
    plan then needs two approvals."""
    with scopes_disabled():
        cycle.community_leads.add(second_lead)
    return users[Role.COMMUNITY_LEAD], second_lead
