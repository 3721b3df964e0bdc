import pytest

from cycles.tests.builders import make_cycle
from t2a.models import Role
from tests.cast import make_member


@pytest.fixture
def second_lead(org):
    return make_member(org, Role.COMMUNITY_LEAD, "second.lead@northgate.example.org")


@pytest.fixture
def cycle(org, users, second_lead):
    """A cycle with two community leads and the organisation's governance member."""
    return make_cycle(
        org,
        "Maternity in Northgate",
        lead=users[Role.ENGAGEMENT_LEAD],
        community_leads=(users[Role.COMMUNITY_LEAD], second_lead),
        governance_members=(users[Role.GOVERNANCE],),
    )
