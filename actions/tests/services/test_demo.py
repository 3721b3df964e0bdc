"""seed_demo builds priorities and a signed-off plan in delivery, an evaluation and a
ripple-effect map, idempotently; seeding sends nothing, and the first sweep climbs the
reminder ladder (so `make run` shows reminders)."""

from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django_scopes import scopes_disabled

from actions.models import (
    Action,
    ActionPlan,
    Escalation,
    Evaluation,
    MeasureKind,
    Priority,
    PriorityInsight,
    ProgressUpdate,
    RippleEffect,
    SignOff,
)
from actions.selectors.reminders import KIND
from actions.services import demo as actions_demo
from cycles.tests.builders import make_cycle
from feedback.models import ReportBack
from feedback.services.demo import REPORT_BACK_TITLE
from t2a.models import Reminder
from t2a.services import notifications
from t2a.services.demo import demo_organisation_seed

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, ...]:
    with scopes_disabled():
        return tuple(
            m.objects.count()
            for m in (Priority, PriorityInsight, ActionPlan, Action, SignOff, ProgressUpdate,
                      Escalation)
        )  # fmt: skip


def reported() -> tuple[set, set]:
    """The actions and progress updates the demo report-back reports."""
    with scopes_disabled():
        report_back = ReportBack.objects.get(title=REPORT_BACK_TITLE)
        return (
            set(report_back.actions.values_list("pk", flat=True)),
            set(report_back.progress_updates.values_list("pk", flat=True)),
        )


def test_seed_demo_adds_a_signed_off_plan_and_is_idempotent():
    call_command("seed_demo", stdout=StringIO())
    first = counts()
    assert all(first), first
    with scopes_disabled():
        plan = ActionPlan.objects.get()
        assert plan.status == "in_delivery"
        assert Action.objects.filter(in_scope=False).exclude(out_of_scope_reason="").exists()
        # Targets with numbers, and readings towards them, so the plan shows progress.
        numeric = Action.objects.filter(measure_kind=MeasureKind.NUMERIC)
        assert numeric.count() == 4
        assert ProgressUpdate.objects.filter(action__in=numeric).exclude(measured_value=None)
        first_two = set(Action.objects.order_by("pk").values_list("pk", flat=True)[:2])
        public = set(
            ProgressUpdate.objects.filter(action__in=first_two, public=True).values_list(
                "pk", flat=True
            )
        )
    # The listening demo's report-back reports the plan's first two actions and their
    # public updates, once.
    assert reported() == (first_two, public) and public
    call_command("seed_demo", stdout=StringIO())
    assert counts() == first
    assert reported() == (first_two, public)


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


# --- the evaluation and the ripple-effect map -----------------------------------------------


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


# --- reminders -------------------------------------------------------------------------------


def test_seeding_sends_nothing_and_the_first_sweep_reminds(django_capture_on_commit_callbacks):
    # Tasks run eagerly in tests, so any email enqueued while seeding would be in the outbox.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=StringIO())
    assert mail.outbox == []
    with scopes_disabled():
        assert not Reminder.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        notifications.reminder_sweep()
    with scopes_disabled():
        ladder = sorted(
            (r.recipient.email, r.step)
            for r in Reminder.objects.filter(kind=KIND).select_related("recipient")
        )
        assert ladder == sorted(
            [
                ("lead@example.org", 0),  # owns the listening training, 15 days overdue
                ("governance@example.org", 2),
                ("community@example.org", 0),  # owns interpreters, 8 days overdue
                ("lead@example.org", 1),
            ]
        )
        assert Escalation.objects.filter(update_due_on__isnull=False).count() == 1
    assert {m.to[0] for m in mail.outbox} >= {
        "lead@example.org",
        "community@example.org",
        "governance@example.org",
    }

    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=StringIO())  # idempotent: nothing new is due
        assert notifications.reminder_sweep() == 0
