"""The readiness measures listening registers (selectors/readiness.py)."""

import pytest
from django_scopes import scope

from cycles.selectors.readiness import evaluate
from cycles.tests.builders import make_cycle
from feedback.selectors import readiness
from feedback.services.insight import insight_mark_answered
from feedback.tests.builders import make_activity, make_insight
from stakeholders.tests.builders import make_stakeholder

pytestmark = pytest.mark.django_db


def test_readiness_measures(org, cycle):
    quiet = make_cycle(org, "Quiet")
    planned_only = make_cycle(org, "Planned only")
    library = make_stakeholder(org, "Library", kind="place", trusted_place=True)
    make_activity(planned_only, status="planned", venue=library)
    make_activity(cycle, status="held", community_led=False)
    cycles = [cycle, quiet, planned_only]
    with scope(organisation=org.pk):
        assert readiness.listening_held(cycles) == {
            cycle.pk: False,
            quiet.pk: False,
            planned_only.pk: False,
        }
        assert readiness.listening_planned(cycles)[planned_only.pk] is True
        assert readiness.listening_planned(cycles)[cycle.pk] is False
        make_activity(cycle, "Community-led café", status="held", community_led=True)
        assert readiness.listening_held(cycles)[cycle.pk] is True
        assert readiness.insight_recorded(cycles)[cycle.pk] is False
        assert readiness.insight_linked(cycles)[cycle.pk] is False  # none yet
        open_one = make_insight(cycle)
        assert readiness.insight_recorded(cycles)[cycle.pk] is True
        assert readiness.insight_linked(cycles)[cycle.pk] is False
        insight_mark_answered(insight=open_one)
        assert readiness.insight_linked(cycles) == {
            cycle.pk: True,
            quiet.pk: False,
            planned_only.pk: False,
        }


def test_the_cycle_checklist_uses_the_listening_measures(org, cycle):
    make_activity(cycle, status="held", community_led=True)
    with scope(organisation=org.pk):
        stage = evaluate(cycle, stages=[3])[3]  # stage 3, Listen
    states = {r.key: r.state for r in stage.results}
    assert states["listening_held"] == "met"
    assert states["insight_recorded"] == "unmet"
