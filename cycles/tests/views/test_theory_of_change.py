"""The theory of change (views/theory_of_change.py): its page, and adding, editing,
ordering, removing and agreeing its items. Staff write; every role on the cycle reads; an
item of another cycle is 404."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scopes_disabled

from cycles.models import Cycle, TheoryOfChangeItem
from cycles.tests.builders import cycle_url, fill_stage_one, make_cycle, make_toc_item
from t2a.models import Role
from tests.matrix import ALL_ROLES, STAFF, assert_role_matrix

pytestmark = pytest.mark.django_db


# Who may do what --------------------------------------------------------------------------


def test_outsiders_get_404(client_for, outsider, cycle):
    item = make_toc_item(cycle)
    client = client_for(outsider)
    base = cycle_url(cycle, "theory-of-change/")
    assert client.get(base).status_code == 404
    assert client.get(f"{base}items/{item.pk}/edit/").status_code == 404
    for suffix in ("items/new/", f"items/{item.pk}/move/", f"items/{item.pk}/delete/", "agree/"):
        assert client.post(base + suffix).status_code == 404, suffix
    with scopes_disabled():
        assert TheoryOfChangeItem.objects.filter(pk=item.pk).exists()


def test_the_page_is_open_to_every_attached_role(client_for, users, cycle):
    assert_role_matrix(client_for, users, cycle_url(cycle, "theory-of-change/"), get=ALL_ROLES)


def test_theory_of_change_writes(client_for, users, cycle):
    base = cycle_url(cycle, "theory-of-change/")
    item = make_toc_item(cycle)
    make_toc_item(cycle, text="Second", position=1)
    data = {"kind": "activity", "text": "Conversation cafés"}
    for htmx in (False, True):
        assert_role_matrix(client_for, users, base + "items/new/", post=STAFF, data=data, htmx=htmx)
        assert_role_matrix(
            client_for,
            users,
            f"{base}items/{item.pk}/move/",
            post=STAFF,
            data={"direction": "down"},
            htmx=htmx,
        )
    assert_role_matrix(
        client_for, users, f"{base}items/{item.pk}/edit/", get=STAFF, post=STAFF, data=data
    )
    assert_role_matrix(
        client_for,
        users,
        lambda role: f"{base}items/{make_toc_item(cycle).pk}/delete/",
        post=STAFF,
    )
    assert_role_matrix(
        client_for, users, base + "agree/", post=STAFF, data={"agreed_on": "2026-01-05"}
    )


@pytest.mark.parametrize("role", [Role.COMMUNITY_LEAD, Role.GOVERNANCE])
def test_members_not_attached_to_a_cycle_get_404(client_for, users, org, role):
    other = make_cycle(org, "Someone else's cycle")
    assert client_for(users[role]).get(cycle_url(other, "theory-of-change/")).status_code == 404


def test_items_of_another_cycle_are_404(client_for, users, org, cycle):
    other = make_cycle(org, "Other")
    item = make_toc_item(other)
    client = client_for(users[Role.ADMIN])
    suffix = f"theory-of-change/items/{item.pk}/edit/"
    assert client.get(cycle_url(cycle, suffix)).status_code == 404
    with scopes_disabled():
        assert Cycle.objects.count() == 2


# What the page does -----------------------------------------------------------------------


def test_theory_of_change_order_edit_and_agreement(lead, cycle):
    first, second = (
        make_toc_item(cycle, text="First"),
        make_toc_item(cycle, text="Second", position=1),
    )
    base = cycle_url(cycle, "theory-of-change/")
    response = lead.post(
        f"{base}items/{second.pk}/move/", {"direction": "up"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200 and 'id="toc-body"' in response.content.decode()
    assert response["HX-Retarget"] == "#toc-body"
    with scopes_disabled():
        assert list(
            TheoryOfChangeItem.objects.order_by("position").values_list("text", flat=True)
        ) == [
            "Second",
            "First",
        ]
    lead.post(base + "agree/", {"agreed_on": timezone.localdate().isoformat()})
    lead.post(f"{base}items/{first.pk}/edit/", {"kind": "input", "text": "First, reworded"})
    with scopes_disabled():
        agreed = dict(TheoryOfChangeItem.objects.values_list("text", "agreed_on"))
    assert agreed["Second"] == timezone.localdate()
    assert agreed["First, reworded"] is None  # edited after agreement: needs agreeing again


# Query counts -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.ADMIN, Role.COMMUNITY_LEAD])
def test_the_page_takes_the_same_queries_however_full(
    org, users, client_for, role, django_assert_max_num_queries
):
    client = client_for(users[role])
    lead = users[Role.ENGAGEMENT_LEAD]
    people = {"community_leads": (users[Role.COMMUNITY_LEAD],), "lead": lead}
    cycle = make_cycle(org, "First", **people)
    fill_stage_one(cycle, lead, 1)
    url = cycle_url(cycle, "theory-of-change/")
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200

    fill_stage_one(cycle, lead, 30)
    for n in range(5):
        fill_stage_one(make_cycle(org, f"Cycle {n}", **people), lead, 2)
    with django_assert_max_num_queries(len(small)):
        assert client.get(url).status_code == 200
