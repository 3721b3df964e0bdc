import pytest

from cycles.tests.builders import make_cycle
from t2a.models import Role


@pytest.fixture
def cycle(org, users):
    """A cycle the organisation's community lead and governance member are part of."""
    return make_cycle(
        org,
        "Maternity in Northgate",
        community_leads=(users[Role.COMMUNITY_LEAD],),
        governance_members=(users[Role.GOVERNANCE],),
        population_groups=["Black African women", "Somali women", "Young carers"],
    )
