"""Permission matrix for every cycles view: admins and engagement leads do everything;
community leads and governance members attached to a cycle read it and change nothing;
those not attached get 404."""

import pytest
from django_scopes import scopes_disabled

from cycles.models import Cycle
from t2a.models import Role
from tests.matrix import ALL_ROLES, STAFF, assert_role_matrix

from .builders import (
    make_cycle,
    make_data_source,
    make_ethics_entry,
    make_inequality_row,
    make_toc_item,
)
from .conftest import cycle_url

pytestmark = pytest.mark.django_db

CYCLE_DATA = {
    "title": "Diabetes care in Spinney Hills",
    "inequality": "More diabetes complications in the most deprived decile",
    "place": "Spinney Hills",
    "population_groups": "South Asian men",
    "status": "active",
}
SOURCE = {"kind": "jsna", "title": "JSNA 2025"}
ROW = {"dimension": "Age", "group": "Under 20", "indicator": "Early booking (%)", "value": "46"}
ETHICS = {
    "consideration": "Consent in a second language",
    "category": "consent",
    "likelihood": "2",
    "impact": "3",
    "status": "open",
}
CASE = {"inequality_addressed": "A gap", "most_affected": "These women"}


def test_read_pages_open_to_every_attached_role(client_for, users, cycle):
    for suffix in ("", "case-for-change/", "theory-of-change/", "inclusion/", "ethics/"):
        assert_role_matrix(client_for, users, cycle_url(cycle, suffix), get=ALL_ROLES)
    assert_role_matrix(client_for, users, f"/o/{cycle.organisation.slug}/cycles/", get=ALL_ROLES)


def test_create_cycle(client_for, users, org):
    url = f"/o/{org.slug}/cycles/new/"
    assert_role_matrix(client_for, users, url, get=STAFF, post=STAFF, data=CYCLE_DATA)


def test_edit_cycle(client_for, users, cycle):
    data = CYCLE_DATA | {"community_leads": [users[Role.COMMUNITY_LEAD].pk]}
    data["governance_members"] = [users[Role.GOVERNANCE].pk]
    assert_role_matrix(
        client_for, users, cycle_url(cycle, "edit/"), get=STAFF, post=STAFF, data=data
    )


def test_advance_and_go_back(client_for, users, org):
    def fresh(stage: int):
        def url(role):
            cycle = make_cycle(
                org,
                current_stage=stage,
                community_leads=(users[Role.COMMUNITY_LEAD],),
                governance_members=(users[Role.GOVERNANCE],),
            )
            return cycle_url(cycle, "stage/advance/" if stage == 1 else "stage/back/")

        return url

    advance = {"from_stage": "1", "reason": "Starting now", "inclusion_changed": "no"}
    assert_role_matrix(client_for, users, fresh(1), get=STAFF, post=STAFF, data=advance)
    back = {"from_stage": "2", "reason": "The steering group fell apart"}
    assert_role_matrix(client_for, users, fresh(2), get=STAFF, post=STAFF, data=back)


def test_case_for_change_writes(client_for, users, cycle):
    assert_role_matrix(
        client_for,
        users,
        cycle_url(cycle, "case-for-change/edit/"),
        get=STAFF,
        post=STAFF,
        data=CASE,
    )
    assert_role_matrix(
        client_for,
        users,
        cycle_url(cycle, "case-for-change/agree/"),
        post=STAFF,
        data={"agreed_on": "2026-01-05"},
    )
    for suffix, data in (("sources/new/", SOURCE), ("inequalities/new/", ROW)):
        url = cycle_url(cycle, "case-for-change/" + suffix)
        assert_role_matrix(client_for, users, url, get=STAFF, post=STAFF, data=data)
        assert_role_matrix(client_for, users, url, post=STAFF, data=data, htmx=True)


def test_case_for_change_children(client_for, users, cycle):
    source, row = make_data_source(cycle), make_inequality_row(cycle)
    base = cycle_url(cycle, "case-for-change/")
    assert_role_matrix(
        client_for, users, f"{base}sources/{source.pk}/edit/", get=STAFF, post=STAFF, data=SOURCE
    )
    assert_role_matrix(
        client_for, users, f"{base}inequalities/{row.pk}/edit/", get=STAFF, post=STAFF, data=ROW
    )
    assert_role_matrix(
        client_for,
        users,
        lambda role: f"{base}sources/{make_data_source(cycle).pk}/delete/",
        get=STAFF,
        post=STAFF,
    )
    assert_role_matrix(
        client_for,
        users,
        lambda role: f"{base}inequalities/{make_inequality_row(cycle).pk}/delete/",
        get=STAFF,
        post=STAFF,
    )


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


def test_inclusion_prompts_and_ethics_writes(client_for, users, cycle):
    assert_role_matrix(
        client_for,
        users,
        cycle_url(cycle, "inclusion/"),
        get=ALL_ROLES,
        post=STAFF,
        data={"missing_groups": "Roma women"},
    )
    assert_role_matrix(
        client_for, users, cycle_url(cycle, "ethics/new/"), get=STAFF, post=STAFF, data=ETHICS
    )
    entry = make_ethics_entry(cycle)
    assert_role_matrix(
        client_for,
        users,
        cycle_url(cycle, f"ethics/{entry.pk}/edit/"),
        get=STAFF,
        post=STAFF,
        data=ETHICS,
    )


def test_read_only_roles_see_no_edit_controls(client_for, users, cycle):
    for role in (Role.COMMUNITY_LEAD, Role.GOVERNANCE):
        client = client_for(users[role])
        home = client.get(cycle_url(cycle)).content.decode()
        assert "Move to stage 2" not in home and "Edit cycle details" not in home
        assert (
            "Add an ethical consideration"
            not in client.get(cycle_url(cycle, "ethics/")).content.decode()
        )
        assert "<textarea" not in client.get(cycle_url(cycle, "inclusion/")).content.decode()
        assert (
            "Create a cycle"
            not in client.get(f"/o/{cycle.organisation.slug}/cycles/").content.decode()
        )


@pytest.mark.parametrize("role", [Role.COMMUNITY_LEAD, Role.GOVERNANCE])
def test_members_not_attached_to_a_cycle_get_404(client_for, users, org, role):
    other = make_cycle(org, "Someone else's cycle")
    client = client_for(users[role])
    for suffix in ("", "case-for-change/", "theory-of-change/", "inclusion/", "ethics/"):
        assert client.get(cycle_url(other, suffix)).status_code == 404
    listing = client.get(f"/o/{org.slug}/cycles/").content.decode()
    assert "Someone else&#x27;s cycle" not in listing and "Someone else's cycle" not in listing


def test_child_rows_of_another_cycle_are_404(client_for, users, org, cycle):
    other = make_cycle(org, "Other")
    source, row, item, entry = (
        make_data_source(other),
        make_inequality_row(other),
        make_toc_item(other),
        make_ethics_entry(other),
    )
    client = client_for(users[Role.ADMIN])
    for suffix in (
        f"case-for-change/sources/{source.pk}/edit/",
        f"case-for-change/inequalities/{row.pk}/edit/",
        f"theory-of-change/items/{item.pk}/edit/",
        f"ethics/{entry.pk}/edit/",
    ):
        assert client.get(cycle_url(cycle, suffix)).status_code == 404, suffix
    with scopes_disabled():
        assert Cycle.objects.count() == 2
