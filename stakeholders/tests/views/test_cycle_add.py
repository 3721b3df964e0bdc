"""Putting stakeholders on a cycle's map from the cycle's pages (views/cycle_add.py, and
`?cycle=` on the register's add form): search, tick, add; or add someone new straight in."""

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from cycles.tests.builders import make_cycle
from stakeholders.models import Stakeholder, StakeholderCycle
from stakeholders.tests.builders import link, make_stakeholder
from stakeholders.tests.views.test_stakeholders import valid_data
from t2a.models import Role
from tests.matrix import STAFF, assert_role_matrix

pytestmark = pytest.mark.django_db


def add_url(org, cycle, back="trusted") -> str:
    return reverse("stakeholders:cycle_stakeholders_add", args=[org.slug, cycle.pk]) + (
        f"?back={back}"
    )


def create_url(org, cycle, back="trusted") -> str:
    return reverse("stakeholders:stakeholder_create", args=[org.slug]) + (
        f"?cycle={cycle.pk}&back={back}"
    )


def on_map(cycle) -> set[str]:
    with scopes_disabled():
        return set(
            StakeholderCycle.objects.filter(cycle=cycle).values_list("stakeholder__name", flat=True)
        )


def test_the_maps_offer_both_ways_to_staff_only(org, users, client_for, cycle):
    for name in ("cycle_trusted", "cycle_grid"):
        path = reverse(f"stakeholders:{name}", args=[org.slug, cycle.pk])
        for role in Role:
            html = client_for(users[role]).get(path).content.decode()
            offered = "Add from the register" in html and "Add a new stakeholder" in html
            assert offered == (role in STAFF), (name, role)


def test_matrix(org, users, client_for, cycle):
    make_stakeholder(org, "Highfields library")
    assert_role_matrix(client_for, users, add_url(org, cycle), get=STAFF)
    assert_role_matrix(client_for, users, create_url(org, cycle), get=STAFF)


def test_another_organisations_admin_gets_404(org, outsider, client_for, cycle):
    someone = make_stakeholder(org, "Highfields library")
    client = client_for(outsider)
    assert client.get(add_url(org, cycle)).status_code == 404
    assert client.post(add_url(org, cycle), {"stakeholders": [someone.pk]}).status_code == 404
    assert client.get(create_url(org, cycle)).status_code == 404
    assert on_map(cycle) == set()


def test_another_organisations_cycle_is_404_on_the_add_form(org, other_org, users, client_for):
    theirs = make_cycle(other_org, "Their cycle")
    client = client_for(users[Role.ADMIN])
    path = reverse("stakeholders:stakeholder_create", args=[org.slug]) + f"?cycle={theirs.pk}"
    assert client.get(path).status_code == 404
    assert client.post(path, valid_data()).status_code == 404
    with scopes_disabled():
        assert not Stakeholder.objects.exists()


def test_search_tick_add(org, users, client_for, cycle):
    library = make_stakeholder(org, "Highfields library")
    mosque = make_stakeholder(org, "Al-Noor mosque")
    already = make_stakeholder(org, "Highfields children's centre")
    link(already, cycle)
    client = client_for(users[Role.ENGAGEMENT_LEAD])
    html = client.get(add_url(org, cycle) + "&q=highfields").content.decode()
    assert "Highfields library" in html
    assert "Al-Noor mosque" not in html and "children&#x27;s centre" not in html
    response = client.post(
        add_url(org, cycle),
        {"stakeholders": [library.pk, mosque.pk], "role": "Venue host", "back": "trusted"},
        follow=True,
    )
    assert response.redirect_chain[-1][0].endswith(f"/cycles/{cycle.pk}/trusted/")
    assert f"2 stakeholders added to the map for {cycle.title}." in response.content.decode()
    assert on_map(cycle) == {"Highfields library", "Al-Noor mosque", already.name}
    with scopes_disabled():
        assert StakeholderCycle.objects.get(stakeholder=library).role == "Venue host"


def test_bad_input_shows_an_error_and_adds_nothing(org, other_org, users, client_for, cycle):
    theirs = make_stakeholder(other_org, "Their library")
    client = client_for(users[Role.ADMIN])
    make_stakeholder(org, "Highfields library")
    for data in (
        {},
        {"stakeholders": ["nonsense"]},
        {"stakeholders": [theirs.pk]},
        {"stakeholders": [999999]},
    ):
        response = client.post(add_url(org, cycle), data)
        assert response.status_code == 400, data
        html = response.content.decode()
        assert "There is a problem" in html and "<title>Error: " in html
    assert (
        "Tick at least one stakeholder to add to this cycle."
        in client.post(add_url(org, cycle), {}).content.decode()
    )
    assert on_map(cycle) == set()


def test_adding_is_audited(org, users, client_for, cycle):
    library = make_stakeholder(org, "Highfields library")
    client_for(users[Role.ADMIN]).post(add_url(org, cycle), {"stakeholders": [library.pk]})
    with scopes_disabled():
        link_row = StakeholderCycle.objects.get(stakeholder=library)
        assert LogEntry.objects.get_for_object(link_row).filter(action=0).count() == 1


def test_adding_many_costs_the_same_queries_as_adding_two(org, users, client_for, cycle):
    client = client_for(users[Role.ADMIN])
    few = [make_stakeholder(org, f"Few {n}").pk for n in range(2)]
    with CaptureQueriesContext(connection) as small:
        client.post(add_url(org, cycle), {"stakeholders": few})
    with scopes_disabled():
        many = [
            s.pk
            for s in Stakeholder.objects.bulk_create(
                Stakeholder(organisation=org, name=f"Many {n}", sector="community")
                for n in range(60)
            )
        ]
    with CaptureQueriesContext(connection) as large:
        client.post(add_url(org, cycle), {"stakeholders": many})
    assert len(on_map(cycle)) == 62
    assert len(large.captured_queries) == len(small.captured_queries)
    with CaptureQueriesContext(connection) as page:
        client.get(add_url(org, cycle))
    assert len(page.captured_queries) < 15


def test_a_new_stakeholder_goes_straight_onto_the_cycle(org, users, client_for, cycle):
    client = client_for(users[Role.ENGAGEMENT_LEAD])
    form = client.get(create_url(org, cycle)).content.decode()
    assert "They will be added to the register and to this cycle&rsquo;s map." in form
    response = client.post(create_url(org, cycle), valid_data(), follow=True)
    assert response.redirect_chain[-1][0].endswith(f"/cycles/{cycle.pk}/trusted/")
    html = response.content.decode()
    assert (
        f"Al-Noor Community Centre has been added to the register and to the map for "
        f"{cycle.title}." in html
    )
    assert on_map(cycle) == {"Al-Noor Community Centre"}


def test_a_new_stakeholder_with_a_taken_name_is_warned_first_and_nothing_half_saved(
    org, users, client_for, cycle
):
    make_stakeholder(org, "Al-Noor Community Centre")
    client = client_for(users[Role.ENGAGEMENT_LEAD])
    response = client.post(create_url(org, cycle), valid_data())
    assert response.status_code == 400
    assert "A stakeholder with this name is already on the register" in response.content.decode()
    assert on_map(cycle) == set()
    bad = client.post(create_url(org, cycle), valid_data(name=""))
    assert bad.status_code == 400 and on_map(cycle) == set()
    with scopes_disabled():
        assert Stakeholder.objects.count() == 1
