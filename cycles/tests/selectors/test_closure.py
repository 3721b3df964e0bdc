"""The closure checklist (selectors/closure.py): the stage 5 readiness item counts a cycle
as closed responsibly by the same rules as its checklist."""

import pytest
from django_scopes import scope

from cycles.models import ClosureItemKey
from cycles.selectors.closure import checklist_for, closure_responsible
from cycles.tests.builders import make_closure, make_cycle

pytestmark = pytest.mark.django_db

KEYS = [key.value for key in ClosureItemKey]
ALL_DONE = dict.fromkeys(KEYS, "done")


def all_but(key: str, state: str = "not_yet") -> dict:
    return ALL_DONE | {key: state}


def test_readiness_counts_closure_responsible_by_the_checklist_rules(org):
    active = make_cycle(org, title="Still active")
    unexplained = make_closure(make_cycle(org, title="Thanks not done"), all_but("thanked"))
    explained = make_closure(
        make_cycle(org, title="Thanks explained"), all_but("thanked", "explained")
    )
    closed = make_closure(make_cycle(org, title="Closed"), ALL_DONE, status="closed")
    cycles = [active, unexplained, explained, closed]

    with scope(organisation=org.pk):
        met = closure_responsible(cycles)
        for cycle in cycles:
            assert met[cycle.pk] == checklist_for(cycle).all_settled or cycle is active

    assert met == {active.pk: False, unexplained.pk: False, explained.pk: True, closed.pk: True}
