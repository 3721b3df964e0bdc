"""Listening fixtures on top of the root conftest's cast and its one `cycle`."""

import pytest
from django.urls import reverse

from feedback.models import Sensitivity
from t2a.models import Role

from .builders import make_activity, make_insight, make_pulse_survey, make_theme

SECRET = "Disclosed domestic abuse at the antenatal visit"
SECRET_QUOTE = "I could not tell the midwife while he was there"


def url(org, name: str, *args) -> str:
    return reverse(f"feedback:{name}", args=[org.slug, *args])


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


@pytest.fixture
def sensitive(cycle, activity, users):
    """Sensitive insight a community lead captured: only staff may ever read it."""
    theme = make_theme(cycle, "Safety at home")
    return make_insight(
        cycle,
        SECRET,
        quote=SECRET_QUOTE,
        activity=activity,
        themes=[theme],
        sensitivity=Sensitivity.SENSITIVE,
        captured_by=users[Role.COMMUNITY_LEAD],
    )


@pytest.fixture
def survey(cycle, users):
    """The cycle's trust pulse, open: (survey, the token in its link)."""
    return make_pulse_survey(cycle, actor=users[Role.ENGAGEMENT_LEAD])
