"""Demo data (services/demo.py): an agreed case for change, a two-iteration maternity chain
(the first closed responsibly) and a cycle part way through its closure checklist; seeding
twice changes nothing."""

import pytest
from django.core.management import call_command
from django_scopes import scope, scopes_disabled

from cycles.models import (
    CaseForChange,
    CaseForChangeRevision,
    ClosureItem,
    Cycle,
    TheoryOfChangeItem,
)
from cycles.selectors import readiness
from cycles.selectors.closure import checklist_for
from cycles.selectors.cycles import cycle_iterations
from cycles.services.demo import CLOSING_SLUG, MATERNITY_SLUG, PREVIOUS_SLUG

pytestmark = pytest.mark.django_db


def counts() -> tuple:
    with scopes_disabled():
        return (
            Cycle.objects.count(),
            ClosureItem.objects.count(),
            Cycle.objects.filter(previous_iteration__isnull=False).count(),
        )


def test_the_demo_shows_closure_and_a_chain_and_is_idempotent():
    call_command("seed_demo")
    first = counts()
    call_command("seed_demo")
    assert counts() == first
    with scopes_disabled():
        maternity = Cycle.objects.get(slug=MATERNITY_SLUG)
        previous = Cycle.objects.get(slug=PREVIOUS_SLUG)
        closing = Cycle.objects.get(slug=CLOSING_SLUG)
    assert maternity.previous_iteration_id == previous.pk
    assert "evenings" in maternity.starting_notes
    assert (previous.status, closing.status) == ("closed", "closing")
    with scope(organisation=maternity.organisation_id):
        assert [c.pk for c in cycle_iterations(maternity)] == [previous.pk, maternity.pk]
        assert checklist_for(previous).all_settled
        part_done = checklist_for(closing)
    assert 0 < part_done.settled_count < len(part_done.items)


def stage_one(cycle) -> dict[str, bool | None]:
    with scope(organisation=cycle.organisation_id):
        result = readiness.evaluate(cycle, stages=[1])[1]
    return {r.key: r.met for r in result.results}


def test_seed_demo_is_idempotent():
    call_command("seed_demo")
    with scopes_disabled():
        before = (
            Cycle.objects.count(),
            TheoryOfChangeItem.objects.count(),
            CaseForChangeRevision.objects.count(),
        )
        cycle = Cycle.objects.get(slug=MATERNITY_SLUG)
        case = CaseForChange.objects.get(cycle=cycle)
        assert case.status == "agreed" and case.inequality_rows.count() >= 2
    call_command("seed_demo")
    with scopes_disabled():
        after = (
            Cycle.objects.count(),
            TheoryOfChangeItem.objects.count(),
            CaseForChangeRevision.objects.count(),
        )
    assert before == after
    assert stage_one(cycle)["case_for_change_written"] is True
