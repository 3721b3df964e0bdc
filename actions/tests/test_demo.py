"""seed_demo builds priorities and a signed-off plan in delivery, and is idempotent."""

from io import StringIO

import pytest
from django.core.management import call_command
from django_scopes import scopes_disabled

from actions import demo as actions_demo
from actions.models import (
    Action,
    ActionPlan,
    Escalation,
    Priority,
    PriorityInsight,
    ProgressUpdate,
    SignOff,
)
from cycles.tests.builders import make_cycle
from t2a.demo import demo_organisation_seed

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, ...]:
    with scopes_disabled():
        return tuple(
            m.objects.count()
            for m in (Priority, PriorityInsight, ActionPlan, Action, SignOff, ProgressUpdate,
                      Escalation)
        )  # fmt: skip


def test_seed_demo_adds_a_signed_off_plan_and_is_idempotent():
    call_command("seed_demo", stdout=StringIO())
    first = counts()
    assert all(first), first
    with scopes_disabled():
        plan = ActionPlan.objects.get()
        assert plan.status == "in_delivery"
        assert Action.objects.filter(in_scope=False).exclude(out_of_scope_reason="").exists()
    call_command("seed_demo", stdout=StringIO())
    assert counts() == first


def test_large_seed_shares_the_actions_between_cycles(monkeypatch):
    demo = demo_organisation_seed(name="Eastbrook", slug="eastbrook")
    for n in range(3):
        make_cycle(demo.organisation, f"Cycle {n}")
    monkeypatch.setattr(actions_demo, "LARGE_ACTIONS", 50)
    actions_demo.seed(demo, large=True)
    actions_demo.seed(demo, large=True)
    with scopes_disabled():
        assert Action.objects.count() == 50
        assert ActionPlan.objects.count() == 3
