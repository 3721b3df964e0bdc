"""seed_demo gives the demo cycle an evaluation and a ripple-effect map, idempotently."""

from io import StringIO

import pytest
from django.core.management import call_command
from django_scopes import scopes_disabled

from actions import demo as actions_demo
from actions.models import Evaluation, RippleEffect
from cycles.tests.builders import make_cycle
from t2a.demo import demo_organisation_seed

pytestmark = pytest.mark.django_db


def test_seed_demo_writes_an_evaluation_and_a_three_level_map_once():
    call_command("seed_demo", stdout=StringIO())
    with scopes_disabled():
        evaluation = Evaluation.objects.get()
        effects = list(RippleEffect.objects.select_related("action", "parent__parent"))
    assert evaluation.what_to_adapt.startswith("Start delivery sooner")
    assert all(getattr(evaluation, field) for field in actions_demo.EVALUATION)
    assert len(effects) == len(actions_demo.RIPPLES)
    assert {e.level for e in effects} == {"individual", "community", "system"}
    assert any(e.parent and e.parent.parent for e in effects)  # three levels deep
    assert any(e.action for e in effects) and any(e.insight_id for e in effects)
    call_command("seed_demo", stdout=StringIO())
    with scopes_disabled():
        assert Evaluation.objects.count() == 1
        assert RippleEffect.objects.count() == len(actions_demo.RIPPLES)


def test_large_seed_gives_every_cycle_an_evaluation_and_a_map(monkeypatch):
    demo = demo_organisation_seed(name="Eastbrook", slug="eastbrook")
    for n in range(3):
        make_cycle(demo.organisation, f"Cycle {n}")
    monkeypatch.setattr(actions_demo, "LARGE_ACTIONS", 30)
    actions_demo.seed(demo, large=True)
    actions_demo.seed(demo, large=True)
    with scopes_disabled():
        assert Evaluation.objects.count() == 3
        assert RippleEffect.objects.count() == 3 * len(actions_demo.RIPPLES)
