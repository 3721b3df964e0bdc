import pytest

from t2a.models import Role

from .builders import make_cycle


@pytest.fixture
def cycle(org, users):
    """A cycle of `org` with its community lead and governance member attached."""
    return make_cycle(
        org,
        lead=users[Role.ENGAGEMENT_LEAD],
        community_leads=(users[Role.COMMUNITY_LEAD],),
        governance_members=(users[Role.GOVERNANCE],),
    )


def cycle_url(cycle, suffix: str = "") -> str:
    return f"/o/{cycle.organisation.slug}/cycles/{cycle.pk}/{suffix}"
