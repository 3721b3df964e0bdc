import pytest
from django.urls import reverse
from django_scopes import scope

from cycles.tests.builders import make_cycle
from stakeholders import selectors
from stakeholders.grid import CELL_DOTS, power_interest_grid, quadrant
from t2a.models import Role
from tests.matrix import ALL_ROLES, assert_role_matrix

from .builders import link, make_stakeholder


def url(org, name, cycle):
    return reverse(f"stakeholders:{name}", args=[org.slug, cycle.pk])


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["cycle_grid", "cycle_trusted"])
def test_maps_matrix(org, users, client_for, cycle, name):
    link(make_stakeholder(org), cycle)
    assert_role_matrix(client_for, users, url(org, name, cycle), get=ALL_ROLES)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["cycle_grid", "cycle_trusted"])
def test_maps_of_cycles_a_member_is_not_part_of_are_404(org, users, client_for, name):
    elsewhere = make_cycle(org, "Not theirs")
    for role in (Role.COMMUNITY_LEAD, Role.GOVERNANCE):
        assert client_for(users[role]).get(url(org, name, elsewhere)).status_code == 404


@pytest.mark.django_db
def test_gap_list_against_the_cycles_population_groups(org, users, cycle):
    # Population groups: Black African women, Somali women, Young carers.
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
        make_stakeholder(org, "Al-Noor", trusted_place=True, communities_reached=["Somali women"]),
        cycle,
    )
    # Reaches Young carers, but is not on this cycle's map.
    make_stakeholder(org, "Carers Trust", trusted_voice=True, communities_reached=["Young carers"])
    with scope(organisation=org.pk):
        cycle_map = selectors.cycle_map(cycle=cycle)
    coverage = {c.group: c for c in cycle_map.coverage}
    assert coverage["Black African women"].reached_by == 2
    assert not coverage["Black African women"].is_gap
    assert coverage["Somali women"].missing_tags == ["Trusted Leader", "Trusted Voice"]
    assert coverage["Young carers"].reached_by == 0
    assert [g.group for g in cycle_map.gaps] == ["Somali women", "Young carers"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["cycle_grid", "cycle_trusted"])
def test_both_maps_show_the_gap_list(org, users, client_for, cycle, name):
    link(
        make_stakeholder(org, "Al-Noor", trusted_place=True, communities_reached=["Somali women"]),
        cycle,
    )
    page = client_for(users[Role.ENGAGEMENT_LEAD]).get(url(org, name, cycle)).text
    assert (
        "<strong>Young carers</strong>:\n            nobody on this map reaches this group." in page
    )
    assert "<strong>Somali women</strong>:" in page
    assert "no Trusted Leader, no Trusted Voice reaching this group." in page


@pytest.mark.django_db
def test_grid_dots_link_to_stakeholders_for_those_who_may_open_them(org, users, client_for, cycle):
    s = make_stakeholder(org, "Dr Okoro", sector="nhs", influence=5, interest=2)
    link(s, cycle)
    detail = reverse("stakeholders:stakeholder_detail", args=[org.slug, s.pk])
    staff = client_for(users[Role.ENGAGEMENT_LEAD]).get(url(org, "cycle_grid", cycle)).text
    assert f'<a href="{detail}" aria-label="Dr Okoro (NHS): influence 5, interest 2">' in staff
    governance = client_for(users[Role.GOVERNANCE]).get(url(org, "cycle_grid", cycle)).text
    assert "Dr Okoro (NHS): influence 5, interest 2" in governance
    assert detail not in governance


def test_grid_layout_caps_a_full_cell_with_a_more_link():
    rows = [
        {"pk": n, "name": f"S{n}", "sector": "community", "influence": 4, "interest": 4}
        for n in range(CELL_DOTS + 10)
    ] + [{"pk": 999, "name": "Lonely", "sector": "nhs", "influence": 1, "interest": 5}]
    grid = power_interest_grid(
        rows, detail_url="/s/{pk}/", more_url="/l/?i={influence}&n={interest}"
    )
    assert len(grid["dots"]) == CELL_DOTS - 1 + 1
    (more,) = grid["more"]
    assert more.count == 11 and more.href == "/l/?i=4&n=4"
    lonely = next(d for d in grid["dots"] if d.href == "/s/999/")
    # interest 5 is the right-most column, influence 1 the bottom row
    assert lonely.cx > max(d.cx for d in grid["dots"] if d.href != "/s/999/")
    assert lonely.cy > max(d.cy for d in grid["dots"] if d.href != "/s/999/")


def test_quadrants():
    assert quadrant(5, 5) == "Manage closely"
    assert quadrant(3, 3) == "Manage closely"
    assert quadrant(4, 2) == "Keep satisfied"
    assert quadrant(2, 4) == "Keep informed"
    assert quadrant(1, 1) == "Monitor"


@pytest.mark.django_db
def test_trusted_view_lists_each_tag(org, users, client_for, cycle):
    link(make_stakeholder(org, "Brook Library", trusted_place=True), cycle, role="Venue")
    link(make_stakeholder(org, "Pastor Grace", trusted_leader=True, trusted_voice=True), cycle)
    response = client_for(users[Role.COMMUNITY_LEAD]).get(url(org, "cycle_trusted", cycle))
    columns = {
        heading: [r["name"] for r in rows] for heading, _, rows in response.context["columns"]
    }
    assert columns == {
        "Trusted Leaders": ["Pastor Grace"],
        "Trusted Voices": ["Pastor Grace"],
        "Trusted Places": ["Brook Library"],
    }
    assert "Brook Library</a> – Venue" in response.text


@pytest.mark.django_db
def test_a_stakeholder_in_two_cycles_appears_once_with_this_cycles_role(org, users, cycle):
    s = make_stakeholder(org, "Pastor Grace", trusted_leader=True)
    link(s, cycle, role="Co-chair")
    link(s, make_cycle(org, "Another"), role="Funder")
    with scope(organisation=org.pk):
        rows = selectors.cycle_map(cycle=cycle).stakeholders
    assert [(r["name"], r["role"]) for r in rows] == [("Pastor Grace", "Co-chair")]
