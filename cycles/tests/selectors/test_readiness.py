"""Stage readiness (selectors/readiness.py): the stage 1 items are computed from the data,
a measure another app registers shows on the cycle page, and many cycles cost the same
queries as one."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope, scopes_disabled

from cycles.models import InclusionPrompts
from cycles.selectors import readiness
from cycles.tests.builders import (
    cycle_url,
    make_case_for_change,
    make_cycle,
    make_data_source,
    make_ethics_entry,
    make_inequality_row,
    make_toc_item,
)
from t2a.models import Role
from t2a.registry import STAGES, ReadinessMeasure
from tests.registry import plus

pytestmark = pytest.mark.django_db


def stage_one(cycle) -> dict[str, bool | None]:
    with scope(organisation=cycle.organisation_id):
        result = readiness.evaluate(cycle, stages=[1])[1]
    return {r.key: r.met for r in result.results}


def test_stage_one_items_are_computed_from_the_data(org, users):
    cycle = make_cycle(org)
    assert stage_one(cycle)["case_for_change_written"] is False
    make_case_for_change(
        cycle, inequality_addressed="Gap", most_affected="Them", local_insight="Said"
    )
    assert stage_one(cycle)["case_for_change_written"] is False  # no source or row yet
    make_data_source(cycle)
    make_inequality_row(cycle)
    assert stage_one(cycle)["case_for_change_written"] is True

    for kind in ("input", "activity", "outcome_short"):
        make_toc_item(cycle, kind=kind)
    assert stage_one(cycle)["theory_of_change_drafted"] is False
    make_toc_item(cycle, kind="impact")
    assert stage_one(cycle)["theory_of_change_drafted"] is True

    assert stage_one(cycle)["ethics_log_ready"] is False  # an empty log is not ready
    entry = make_ethics_entry(cycle, mitigation="Facilitator", owner=None)
    assert stage_one(cycle)["ethics_log_ready"] is False  # open entry with no owner
    with scopes_disabled():
        entry.owner = users[Role.ENGAGEMENT_LEAD]
        entry.save()
    assert stage_one(cycle)["ethics_log_ready"] is True
    make_ethics_entry(cycle, status="accepted")  # not open: needs no mitigation
    assert stage_one(cycle)["ethics_log_ready"] is True

    with scopes_disabled():
        InclusionPrompts.objects.create(
            organisation=org,
            cycle=cycle,
            missing_groups="a",
            less_trust_voice="b",
            power_holders="c",
        )
    assert stage_one(cycle)["inclusion_prompts_answered"] is False
    with scopes_disabled():
        InclusionPrompts.objects.filter(cycle=cycle).update(differing_experiences="d")
    assert stage_one(cycle)["inclusion_prompts_answered"] is True


def test_a_registered_measure_shows_on_the_cycle_page(org, monkeypatch, client_for, users):
    item = ReadinessMeasure(
        app="cycles",
        key="made_up",
        position=99,
        stage=1,
        label="A check another app registered",
        measure="cycles.tests.selectors.test_readiness.all_met",
    )
    plus(monkeypatch, item)
    cycle = make_cycle(org)
    assert stage_one(cycle)["made_up"] is True
    body = client_for(users[Role.ADMIN]).get(cycle_url(cycle)).content.decode()
    assert "A check another app registered" in body


def all_met(cycles):
    return {c.pk: True for c in cycles}


def test_readiness_for_many_cycles_takes_the_same_queries(org):
    few = [make_cycle(org)]
    many = few + [make_cycle(org, f"Cycle {n}") for n in range(20)]
    for cycle in many[::3]:
        make_data_source(cycle)
        make_ethics_entry(cycle)
    done = []
    with scope(organisation=org.pk):
        for cycles in (few, many):
            with CaptureQueriesContext(connection) as queries:
                readiness.evaluate_many(cycles)
            done.append(len(queries))
    measured = len({i.measure for s in STAGES for i in readiness.checklist(s)})
    assert done[0] == done[1] and measured <= done[0] <= 2 * measured, done
