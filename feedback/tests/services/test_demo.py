"""seed_demo builds listening data for every cycle, and a trust pulse per iteration of the
maternity cycle; running it again changes nothing (services/demo.py)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django_scopes import scope, scopes_disabled

from cycles.models import Cycle
from cycles.services.demo import MATERNITY_SLUG
from cycles.tests.builders import make_cycle
from feedback.models import (
    ActivityStatus,
    EngagementActivity,
    Insight,
    InsightTheme,
    PublicPage,
    PulseResponse,
    PulseSurvey,
    ReportBack,
    Sensitivity,
    Theme,
)
from feedback.selectors.pulse import pulse_report_data
from feedback.services import demo as feedback_demo
from t2a.services.demo import demo_organisation_seed

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


def pulse_counts() -> tuple[int, int]:
    with scopes_disabled():
        return PulseSurvey.objects.count(), PulseResponse.objects.count()


def test_seed_demo_adds_listening_and_is_idempotent():
    call_command("seed_demo", stdout=StringIO())
    first = counts()
    assert all(first), first
    with scopes_disabled():
        assert Insight.objects.filter(sensitivity=Sensitivity.SENSITIVE).exists()
        assert (
            Insight.objects.exclude(contributor_name="")
            .filter(credit_consent_at__isnull=False)
            .exists()
        )
        assert EngagementActivity.objects.filter(
            status=ActivityStatus.HELD, community_led=True
        ).exists()
        report_back = ReportBack.objects.get()
        assert report_back.published_at is not None
        assert report_back.insights.count() == 3
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


def test_seed_demo_opens_a_pulse_with_answers_and_is_idempotent():
    call_command("seed_demo", stdout=StringIO())
    first = pulse_counts()
    with scopes_disabled():
        survey = PulseSurvey.objects.select_related("cycle").get(cycle__slug=MATERNITY_SLUG)
        assert survey.is_open
        assert survey.responses.count() >= 6
        assert survey.responses.exclude(comment="").exists()
    call_command("seed_demo", stdout=StringIO())
    assert pulse_counts() == first


def test_a_chain_gets_a_pulse_per_iteration_improving_over_time():
    demo = demo_organisation_seed(name="Eastbrook Community Health", slug="eastbrook")
    org = demo.organisation
    earlier = make_cycle(org, "Maternity voices 2025", slug="maternity-2025")
    current = make_cycle(org, "Maternity voices 2026", slug=MATERNITY_SLUG)
    with scopes_disabled():
        Cycle.objects.filter(pk=current.pk).update(previous_iteration=earlier)
        current.refresh_from_db()
    feedback_demo._trust_pulse(demo)
    first = pulse_counts()
    feedback_demo._trust_pulse(demo)
    assert pulse_counts() == first
    with scopes_disabled():
        assert not PulseSurvey.objects.get(cycle=earlier).is_open
        assert PulseSurvey.objects.get(cycle=current).is_open
    with scope(organisation=org.pk):
        data = pulse_report_data(current)
    assert [row["cycle"] for row in data["trend"]] == [earlier.title, current.title]
    before, after = (row["averages"]["Openness"] for row in data["trend"])
    assert before is not None and after is not None and after > before
    assert data["responses"] > 0 and data["comments"]
