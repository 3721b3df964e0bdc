"""A cycle's maps (views/maps.py): the power-interest grid and the 3Ts."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from django_scopes import scopes_disabled

from cycles.tests.builders import make_cycle
from stakeholders.models import Stakeholder
from stakeholders.tests.builders import link, make_stakeholder, measure_pages, populate_register
from t2a.models import Role
from tests.matrix import ALL_ROLES, assert_role_matrix


def url(org, name, cycle):
    return reverse(f"stakeholders:{name}", args=[org.slug, cycle.pk])


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["cycle_grid", "cycle_trusted"])
def test_another_organisations_admin_gets_404(org, outsider, client_for, cycle, name):
    link(make_stakeholder(org), cycle)
    assert client_for(outsider).get(url(org, name, cycle)).status_code == 404


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
@pytest.mark.parametrize("name", ["cycle_grid", "cycle_trusted"])
def test_both_maps_show_the_gap_list(org, users, client_for, cycle, name):
    link(
        make_stakeholder(
            org, "Al-Noor", trusted_place=True, communities_reached=["Somali families"]
        ),
        cycle,
    )
    page = client_for(users[Role.ENGAGEMENT_LEAD]).get(url(org, name, cycle)).text
    assert (
        "<strong>Young carers</strong>:\n            nobody on this map reaches this group." in page
    )
    assert "<strong>Somali families</strong>:" in page
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


# --- query counts -------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.ADMIN, Role.COMMUNITY_LEAD])
def test_query_counts_are_constant_from_10_to_2000_stakeholders(
    org, users, client_for, cycle, role, django_assert_max_num_queries
):
    client = client_for(users[role])
    staff = users[Role.ENGAGEMENT_LEAD]
    populate_register(org, cycle, 10, staff)
    pages = [url(org, "cycle_grid", cycle), url(org, "cycle_trusted", cycle)]
    small = measure_pages(client, pages)
    assert {status for _, status in small.values()} <= {200, 403}, small
    populate_register(org, cycle, 1990, staff)
    with scopes_disabled():
        assert Stakeholder.objects.filter(organisation=org).count() == 2000
    for page, (count, status) in small.items():
        cache.clear()  # the page drawn afresh, on the larger data
        with django_assert_max_num_queries(count):
            response = client.get(page)
        assert response.status_code == status, page
    # The grid stays bounded: at most 25 dots per cell, whatever the data.
    cache.clear()
    grid = client.get(url(org, "cycle_grid", cycle)).context["grid"]
    assert len(grid["dots"]) <= 25 * 25
    assert sum(m.count for m in grid["more"]) + len(grid["dots"]) == 2000
