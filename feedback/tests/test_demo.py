"""seed_demo builds listening data for every cycle, and running it again changes nothing."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django_scopes import scopes_disabled

from cycles.tests.builders import make_cycle
from feedback import demo as feedback_demo
from feedback.models import EngagementActivity, Insight, InsightTheme, PublicPage, ReportBack, Theme
from t2a.demo import demo_organisation_seed

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, ...]:
    with scopes_disabled():
        return (
            EngagementActivity.objects.count(),
            Theme.objects.count(),
            Insight.objects.count(),
            InsightTheme.objects.count(),
            ReportBack.objects.count(),
            PublicPage.objects.count(),
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
        report_back = ReportBack.objects.get()
        assert report_back.published_at is not None
        assert report_back.insights.count() == 3 and report_back.actions.exists()
        assert all(i.answered_at == report_back.published_at for i in report_back.insights.all())
        page = PublicPage.objects.select_related("cycle", "organisation").get()
        assert page.enabled
        path = f"/p/{page.organisation.slug}/{page.cycle.slug}/"
    call_command("seed_demo", stdout=StringIO())
    assert counts() == first
    html = Client().get(path).content.decode()
    assert "What you told us about interpreters and travel" in html


def test_large_seed_shares_5000_insights_across_the_cycles():
    demo = demo_organisation_seed(name="Eastbrook Community Health", slug="eastbrook")
    for n in range(3):
        make_cycle(demo.organisation, f"Cycle {n}", population_groups=["Group A", "Group B"])
    feedback_demo.seed(demo, large=True)
    assert counts()[2] == 5000
    feedback_demo.seed(demo, large=True)
    assert counts()[2] == 5000
    assert counts()[4:] == (0, 0)  # report-backs are for the story organisation only
