"""Who is on a cycle's map and which population groups it leaves uncovered
(selectors/maps.py)."""

import pytest
from django_scopes import scope

from cycles.tests.builders import make_cycle
from stakeholders.selectors.maps import cycle_map
from stakeholders.tests.builders import link, make_stakeholder


@pytest.mark.django_db
def test_gap_list_against_the_cycles_population_groups(org, users, cycle):
    # Population groups: Black African women, Somali families, Young carers.
    link(
        make_stakeholder(
            org,
            "Mama Africa",
            trusted_leader=True,
            trusted_voice=True,
            communities_reached=["black african women"],
        ),
        cycle,
    )
    link(
        make_stakeholder(
            org, "Brook Library", trusted_place=True, communities_reached=["Black  African Women"]
        ),
        cycle,
    )
    link(
        make_stakeholder(
            org, "Al-Noor", trusted_place=True, communities_reached=["Somali families"]
        ),
        cycle,
    )
    # Reaches Young carers, but is not on this cycle's map.
    make_stakeholder(org, "Carers Trust", trusted_voice=True, communities_reached=["Young carers"])
    with scope(organisation=org.pk):
        found = cycle_map(cycle=cycle)
    coverage = {c.group: c for c in found.coverage}
    assert coverage["Black African women"].reached_by == 2
    assert not coverage["Black African women"].is_gap
    assert coverage["Somali families"].missing_tags == ["Trusted Leader", "Trusted Voice"]
    assert coverage["Young carers"].reached_by == 0
    assert [g.group for g in found.gaps] == ["Somali families", "Young carers"]


@pytest.mark.django_db
def test_a_stakeholder_in_two_cycles_appears_once_with_this_cycles_role(org, users, cycle):
    s = make_stakeholder(org, "Pastor Grace", trusted_leader=True)
    link(s, cycle, role="Co-chair")
    link(s, make_cycle(org, "Another"), role="Funder")
    with scope(organisation=org.pk):
        rows = cycle_map(cycle=cycle).stakeholders
    assert [(r["name"], r["role"]) for r in rows] == [("Pastor Grace", "Co-chair")]
