"""seed_demo builds listening data for every cycle, and running it again changes nothing."""

from io import StringIO

import pytest
from django.core.management import call_command
from django_scopes import scopes_disabled

from cycles.tests.builders import make_cycle
from feedback import demo as feedback_demo
from feedback.models import EngagementActivity, Insight, InsightTheme, Theme
from t2a.demo import demo_organisation_seed

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, ...]:
    with scopes_disabled():
        return (
            EngagementActivity.objects.count(),
            Theme.objects.count(),
            Insight.objects.count(),
            InsightTheme.objects.count(),
        )


def test_seed_demo_adds_listening_and_is_idempotent():
    call_command("seed_demo", stdout=StringIO())
    first = counts()
    assert all(first), first
    with scopes_disabled():
        assert Insight.objects.filter(sensitivity="sensitive").exists()
        assert (
            Insight.objects.exclude(contributor_name="")
            .filter(credit_consent_at__isnull=False)
            .exists()
        )
        assert EngagementActivity.objects.filter(status="held", community_led=True).exists()
    call_command("seed_demo", stdout=StringIO())
    assert counts() == first


def test_large_seed_shares_5000_insights_across_the_cycles():
    demo = demo_organisation_seed(name="Eastbrook Community Health", slug="eastbrook")
    for n in range(3):
        make_cycle(demo.organisation, f"Cycle {n}", population_groups=["Group A", "Group B"])
    feedback_demo.seed(demo, large=True)
    assert counts()[2] == 5000
    feedback_demo.seed(demo, large=True)
    assert counts()[2] == 5000
