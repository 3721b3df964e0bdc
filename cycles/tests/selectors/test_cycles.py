"""`cycle_iterations(cycle)` (selectors/cycles.py): the whole chain of iterations a cycle
belongs to, oldest first, in one query, bounded if links ever loop, never crossing
organisations."""

import pytest
from django_scopes import scope, scopes_disabled

from cycles.models import Cycle
from cycles.selectors.cycles import cycle_iterations
from cycles.tests.builders import make_cycle

pytestmark = pytest.mark.django_db


def link(cycle: Cycle, previous: Cycle) -> None:
    with scopes_disabled():
        Cycle.objects.filter(pk=cycle.pk).update(previous_iteration=previous)
        cycle.refresh_from_db()


def make_chain(org, n: int, prefix: str = "it") -> list[Cycle]:
    cycles = []
    for i in range(n):
        cycle = make_cycle(org, f"Iteration {i + 1}", slug=f"{prefix}-{i + 1}")
        if cycles:
            link(cycle, cycles[-1])
        cycles.append(cycle)
    return cycles


def iterations(org, cycle) -> list[int]:
    with scope(organisation=org.pk):
        return [c.pk for c in cycle_iterations(cycle)]


def test_a_cycle_on_its_own_is_its_own_chain(org):
    cycle = make_cycle(org)
    assert iterations(org, cycle) == [cycle.pk]


@pytest.mark.parametrize("position", [0, 2, 4])
def test_any_member_of_a_chain_gets_the_whole_chain_oldest_first(org, position):
    chain = make_chain(org, 5)
    assert iterations(org, chain[position]) == [c.pk for c in chain]


def test_the_chain_is_one_query_whatever_its_length(org, django_assert_num_queries):
    short = make_chain(org, 1, "short")
    long = make_chain(org, 5, "long")
    with scope(organisation=org.pk):
        for cycle in (short[0], long[2]):
            with django_assert_num_queries(1):
                cycle_iterations(cycle)


def test_a_loop_is_cut_and_each_cycle_appears_once(org):
    a, b, c = make_chain(org, 3)
    link(a, c)  # c -> b -> a -> c: only possible by writing links by hand
    result = iterations(org, b)
    assert sorted(result) == sorted([a.pk, b.pk, c.pk])
    assert len(result) == 3


def test_the_chain_never_crosses_organisations(org, other_org):
    mine = make_cycle(org, slug="mine")
    theirs = make_cycle(other_org, slug="theirs")
    link(theirs, mine)  # a corrupt cross-tenant link
    assert iterations(org, mine) == [mine.pk]
    assert iterations(other_org, theirs) == [theirs.pk]
