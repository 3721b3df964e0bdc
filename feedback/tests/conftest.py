from datetime import date

import pytest

from cycles.tests.builders import make_cycle
from t2a.models import Role

from .builders import make_activity, make_insight, make_theme


@pytest.fixture
def cycle(org, users):
    """A cycle every role can see: the community lead and governance member are on it."""
    return make_cycle(
        org,
        "Maternity voices",
        lead=users[Role.ENGAGEMENT_LEAD],
        community_leads=(users[Role.COMMUNITY_LEAD],),
        governance_members=(users[Role.GOVERNANCE],),
        start_date=date(2026, 1, 5),
        population_groups=["Black African women", "Somali families"],
    )


@pytest.fixture
def activity(cycle, users):
    """A community-led pop-up facilitated by the community lead."""
    return make_activity(cycle, facilitators=[users[Role.COMMUNITY_LEAD]])


@pytest.fixture
def theme(cycle):
    return make_theme(cycle, "Transport")


@pytest.fixture
def insight(cycle, activity, theme, users):
    return make_insight(
        cycle,
        "Buses stop running before evening clinics end.",
        activity=activity,
        themes=[theme],
        captured_by=users[Role.COMMUNITY_LEAD],
    )


def url(org, name: str, *args) -> str:
    from django.urls import reverse

    return reverse(f"feedback:{name}", args=[org.slug, *args])
