"""The demo's trust pulse: one survey per iteration of the maternity cycle, idempotent."""

from io import StringIO

import pytest
from django.core.management import call_command
from django_scopes import scope, scopes_disabled

from cycles.demo import MATERNITY_SLUG
from cycles.models import Cycle
from cycles.tests.builders import make_cycle
from feedback import demo as feedback_demo
from feedback.models import PulseResponse, PulseSurvey
from feedback.pulse import pulse_report_data
from t2a.demo import demo_organisation_seed

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, int]:
    with scopes_disabled():
        return PulseSurvey.objects.count(), PulseResponse.objects.count()


def test_seed_demo_opens_a_pulse_with_answers_and_is_idempotent():
    call_command("seed_demo", stdout=StringIO())
    first = counts()
    with scopes_disabled():
        survey = PulseSurvey.objects.select_related("cycle").get(cycle__slug=MATERNITY_SLUG)
        assert survey.is_open
        assert survey.responses.count() >= 6
        assert survey.responses.exclude(comment="").exists()
    call_command("seed_demo", stdout=StringIO())
    assert counts() == first


def test_a_chain_gets_a_pulse_per_iteration_improving_over_time():
    demo = demo_organisation_seed(name="Eastbrook Community Health", slug="eastbrook")
    org = demo.organisation
    earlier = make_cycle(org, "Maternity voices 2025", slug="maternity-2025")
    current = make_cycle(org, "Maternity voices 2026", slug=MATERNITY_SLUG)
    with scopes_disabled():
        Cycle.objects.filter(pk=current.pk).update(previous_iteration=earlier)
        current.refresh_from_db()
    feedback_demo._trust_pulse(demo)
    first = counts()
    feedback_demo._trust_pulse(demo)
    assert counts() == first
    with scopes_disabled():
        assert not PulseSurvey.objects.get(cycle=earlier).is_open
        assert PulseSurvey.objects.get(cycle=current).is_open
    with scope(organisation=org.pk):
        data = pulse_report_data(current)
    assert [row["cycle"] for row in data["trend"]] == [earlier.title, current.title]
    before, after = (row["averages"]["Openness"] for row in data["trend"])
    assert before is not None and after is not None and after > before
    assert data["responses"] > 0 and data["comments"]
