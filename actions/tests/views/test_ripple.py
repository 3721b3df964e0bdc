"""The ripple-effect map's views: reading the map, adding, editing and deleting effects
(with htmx and without), bad input and query counts."""

import re

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from actions.models import RippleEffect
from cycles.tests.builders import make_cycle
from feedback.tests.builders import make_insight
from t2a.models import Role
from tests.cast import make_member
from tests.matrix import ALL_ROLES, STAFF, assert_role_matrix

from ..builders import make_action, make_effect

pytestmark = pytest.mark.django_db

CL = {Role.COMMUNITY_LEAD}
HTMX = {"HX-Request": "true"}


def url(name: str, org, *args) -> str:
    return reverse(f"actions:{name}", args=[org.slug, *args])


def effect_data(**overrides) -> dict:
    return {"description": "Amina joined the maternity voices group", "level": "individual"} | (
        overrides
    )


def test_members_not_on_the_cycle_and_outsiders_get_404(client_for, org, cycle, outsider):
    effect = make_effect(cycle)
    other_lead = make_member(org, Role.COMMUNITY_LEAD, "other.lead@northgate.example.org")
    other_board = make_member(org, Role.GOVERNANCE, "other.board@northgate.example.org")
    writes = (
        url("ripple_effect_edit", org, effect.pk),
        url("ripple_effect_delete", org, effect.pk),
    )
    for user in (other_lead, other_board, outsider):
        client = client_for(user)
        assert client.get(url("ripple_map", org, cycle.pk)).status_code == 404, user
    for user in (other_lead, outsider):
        for target in writes:
            assert client_for(user).get(target).status_code == 404, (user, target)
    # A board member may never write, on any cycle: refused before any lookup.
    for target in writes:
        assert client_for(other_board).get(target).status_code == 403
    # The community lead of another cycle cannot add to this one either.
    add = url("ripple_effect_create", org, cycle.pk)
    response = client_for(other_lead).post(add, effect_data())
    assert response.status_code == 404


def test_everyone_on_the_cycle_reads_the_map(client_for, users, org, cycle):
    make_effect(cycle)
    assert_role_matrix(client_for, users, url("ripple_map", org, cycle.pk), get=ALL_ROLES)


def test_staff_and_community_leads_add_effects(client_for, users, org, cycle):
    assert_role_matrix(
        client_for, users, url("ripple_effect_create", org, cycle.pk), post=STAFF | CL,
        data=lambda role: effect_data(description=f"Effect added by {role.value}"),
    )  # fmt: skip
    with scopes_disabled():
        added = set(RippleEffect.objects.values_list("description", flat=True))
    assert added == {f"Effect added by {r.value}" for r in STAFF | CL}


def test_community_leads_change_only_the_effects_they_added(client_for, users, org, cycle):
    by_staff = make_effect(cycle, "Added by the engagement lead", created_by=users[Role.ADMIN])
    by_lead = make_effect(cycle, "Added by the lead", created_by=users[Role.COMMUNITY_LEAD])
    assert_role_matrix(
        client_for, users, url("ripple_effect_edit", org, by_staff.pk), get=STAFF, post=STAFF,
        data=lambda role: effect_data(description=f"Staff effect edited by {role.value}"),
    )  # fmt: skip
    assert_role_matrix(
        client_for, users, url("ripple_effect_edit", org, by_lead.pk), get=STAFF | CL,
        post=STAFF | CL,
        data=lambda role: effect_data(description=f"Lead effect edited by {role.value}"),
    )  # fmt: skip

    counter = iter(range(1000))

    def fresh(created_by):
        return lambda role: url(
            "ripple_effect_delete", org,
            make_effect(cycle, f"To delete {role.value} {next(counter)}", created_by=created_by).pk,
        )  # fmt: skip

    assert_role_matrix(client_for, users, fresh(users[Role.ADMIN]), get=STAFF, post=STAFF)
    assert_role_matrix(
        client_for, users, fresh(users[Role.COMMUNITY_LEAD]), get=STAFF | CL, post=STAFF | CL
    )


def test_building_a_three_level_map(client_for, users, org, cycle):
    action = make_action(cycle, "Evening antenatal clinic")
    insight = make_insight(cycle, summary="We cannot get to daytime appointments")
    lead = client_for(users[Role.ENGAGEMENT_LEAD])
    add = url("ripple_effect_create", org, cycle.pk)
    assert lead.post(add, effect_data(action=action.pk, insight=insight.pk)).status_code == 302
    with scopes_disabled():
        first = RippleEffect.objects.get()
    # The form partial after an htmx add answers 200 with the redrawn map body.
    response = lead.post(
        add,
        effect_data(description="The voices group meets monthly", level="community",
                    parent=first.pk),
        headers=HTMX,
    )  # fmt: skip
    assert response.status_code == 200 and 'id="ripple-body"' in response.text
    assert "<html" not in response.text
    with scopes_disabled():
        second = RippleEffect.objects.get(level="community")
    lead.post(add, effect_data(description="The trust changed clinic hours", level="system",
                               parent=second.pk))  # fmt: skip
    page = lead.get(url("ripple_map", org, cycle.pk)).text
    assert "3 effects on the map." in page
    assert "Action: Evening antenatal clinic" in page
    assert "Insight: We cannot get to daytime appointments" in page
    svg = re.search(r"<svg[^>]*t2a-ripple-map.*?</svg>", page, re.S).group(0)
    assert "<title id=" in svg and "<desc id=" in svg and 'role="img"' in svg
    assert "style=" not in svg
    assert svg.count("<rect") == 6  # a box and a level stripe per effect
    assert svg.count("<path") == 4  # a line and an arrowhead per link
    for word in ("INDIVIDUAL", "COMMUNITY", "SYSTEM"):
        assert word in svg
    # The nested list holds the same tree.
    nested = page[page.index('id="effects"') :]
    assert (
        nested.index("Amina joined")
        < nested.index("voices group meets")
        < nested.index("trust changed clinic hours")
    )
    assert nested.count("t2a-ripple-list") == 3


def test_editing_an_effect_with_htmx_and_without(client_for, users, org, cycle):
    effect = make_effect(cycle, created_by=users[Role.COMMUNITY_LEAD])
    lead = client_for(users[Role.COMMUNITY_LEAD])
    edit = url("ripple_effect_edit", org, effect.pk)
    inline = lead.get(edit, headers=HTMX)
    assert inline.status_code == 200 and f'id="effect-{effect.pk}-item"' in inline.text
    assert "<html" not in inline.text and "hx-post" in inline.text
    full = lead.get(edit).text
    assert "<html" in full and "hx-post" not in full  # the page works without JavaScript
    response = lead.post(edit, effect_data(description="Amina now chairs the group"),
                         headers=HTMX)  # fmt: skip
    assert response.status_code == 200
    assert response.headers["HX-Retarget"] == "#ripple-body"
    assert "Amina now chairs the group" in response.text
    bad = lead.post(edit, effect_data(description=""), headers=HTMX)
    assert bad.status_code == 200 and "Describe the effect." in bad.text
    assert "HX-Retarget" not in bad.headers
    bad = lead.post(edit, effect_data(description=""))
    assert bad.status_code == 400 and "<title>Error:" in bad.text
    with scopes_disabled():
        effect.refresh_from_db()
    assert effect.description == "Amina now chairs the group"


def test_deleting_a_parent_moves_its_children_up(client_for, users, org, cycle):
    root = make_effect(cycle, "Root")
    middle = make_effect(cycle, "Middle", level="community", parent=root)
    leaf_a = make_effect(cycle, "Leaf A", level="system", parent=middle)
    leaf_b = make_effect(cycle, "Leaf B", level="system", parent=middle)
    lead = client_for(users[Role.ENGAGEMENT_LEAD])
    confirm = lead.get(url("ripple_effect_delete", org, middle.pk)).text
    assert "2 effects grew out of this one" in confirm and "Leaf A" in confirm
    response = lead.post(url("ripple_effect_delete", org, middle.pk), headers=HTMX)
    assert response.status_code == 200
    assert "2 effects that grew out of it have moved up a level." in response.text
    with scopes_disabled():
        assert not RippleEffect.objects.filter(pk=middle.pk).exists()
        parents = dict(RippleEffect.objects.values_list("pk", "parent_id"))
    assert parents == {root.pk: None, leaf_a.pk: root.pk, leaf_b.pk: root.pk}
    # The audit trail records the removal and each move, by the lead.
    logged = LogEntry.objects.get_for_model(RippleEffect)
    assert logged.filter(action=LogEntry.Action.DELETE, object_pk=str(middle.pk)).exists()
    moves = logged.filter(
        action=LogEntry.Action.UPDATE, object_pk__in=[str(leaf_a.pk), str(leaf_b.pk)]
    )
    assert moves.count() == 2
    assert {m.actor_id for m in moves} == {users[Role.ENGAGEMENT_LEAD].pk}
    # Deleting a starting point makes its children starting points.
    response = lead.post(url("ripple_effect_delete", org, root.pk))
    assert response.status_code == 302
    with scopes_disabled():
        assert set(RippleEffect.objects.values_list("parent_id", flat=True)) == {None}


def test_sensitive_insight_is_not_shown_to_community_leads(client_for, users, org, cycle):
    insight = make_insight(cycle, summary="A private disclosure", sensitivity="sensitive")
    effect = make_effect(cycle, insight=insight, created_by=users[Role.COMMUNITY_LEAD])
    staff_page = client_for(users[Role.ENGAGEMENT_LEAD]).get(url("ripple_map", org, cycle.pk))
    assert "A private disclosure" in staff_page.text
    lead = client_for(users[Role.COMMUNITY_LEAD])
    page = lead.get(url("ripple_map", org, cycle.pk)).text
    assert "A private disclosure" not in page and "a sensitive insight" in page
    edit = lead.get(url("ripple_effect_edit", org, effect.pk)).text
    assert "A private disclosure" not in edit
    # The lead's edit keeps the link they cannot see.
    lead.post(url("ripple_effect_edit", org, effect.pk), effect_data(description="Renamed"))
    with scopes_disabled():
        effect.refresh_from_db()
    assert (effect.description, effect.insight_id) == ("Renamed", insight.pk)


# --- bad input ------------------------------------------------------------------------------


@pytest.fixture
def other_cycle(org, users):
    return make_cycle(org, "Diabetes in Eastside", lead=users[Role.ENGAGEMENT_LEAD])


BAD_EFFECTS = {
    "no description": ({"description": "   "}, "Describe the effect."),
    "description too long": ({"description": "x" * 501}, "500 characters or fewer"),
    "no level": ({"level": ""}, "Choose whether the effect is on individuals"),
    "unknown level": ({"level": "planet"}, "Choose whether the effect is on individuals"),
    "parent not a number": ({"parent": "abc"}, "Choose an effect from this cycle"),
}


@pytest.mark.parametrize("case", BAD_EFFECTS)
def test_bad_effects_are_refused_and_nothing_is_saved(client_for, users, org, cycle, case):
    make_effect(cycle, "Already here")
    overrides, message = BAD_EFFECTS[case]
    lead = client_for(users[Role.ENGAGEMENT_LEAD])
    add = url("ripple_effect_create", org, cycle.pk)
    full = lead.post(add, effect_data(**overrides))
    assert full.status_code == 400, case
    assert "<title>Error:" in full.text and "There is a problem" in full.text
    assert message in full.text
    partial = lead.post(add, effect_data(**overrides), headers=HTMX)
    assert partial.status_code == 200 and message in partial.text
    assert "There is a problem" in partial.text
    with scopes_disabled():
        assert RippleEffect.objects.count() == 1


def test_links_from_another_cycle_are_refused(client_for, users, org, cycle, other_cycle):
    foreign_parent = make_effect(other_cycle, "Elsewhere")
    foreign_action = make_action(other_cycle, "Foot checks")
    foreign_insight = make_insight(other_cycle, summary="Eastside insight")
    lead = client_for(users[Role.ENGAGEMENT_LEAD])
    add = url("ripple_effect_create", org, cycle.pk)
    make_effect(cycle, "Here")  # so the parent list is offered
    make_action(cycle, "Here action")
    for overrides, message in (
        ({"parent": foreign_parent.pk}, "Choose an effect from this cycle&#x27;s map."),
        ({"action": foreign_action.pk}, "Choose an action from this cycle&#x27;s plan."),
        ({"insight": foreign_insight.pk}, "Choose an insight from this cycle."),
    ):
        response = lead.post(add, effect_data(**overrides))
        assert response.status_code == 400 and message in response.text, overrides
    with scopes_disabled():
        assert RippleEffect.objects.filter(cycle=cycle).count() == 1


def test_loops_are_refused(client_for, users, org, cycle):
    root = make_effect(cycle, "Root")
    child = make_effect(cycle, "Child", parent=root)
    grandchild = make_effect(cycle, "Grandchild", parent=child)
    make_effect(cycle, "Elsewhere on the map")
    lead = client_for(users[Role.ENGAGEMENT_LEAD])
    edit = url("ripple_effect_edit", org, root.pk)
    page = lead.get(edit).text
    select = re.search(r'<select[^>]*name="parent".*?</select>', page, re.S).group(0)
    assert "Child" not in select and "Root" not in select  # not offered
    assert "Elsewhere on the map" in select
    for parent in (root, child, grandchild):
        response = lead.post(edit, effect_data(description="Root", parent=parent.pk))
        assert response.status_code == 400
        assert "cannot grow out of itself or out of an effect that grew from it" in response.text
    with scopes_disabled():
        root.refresh_from_db()
    assert root.parent_id is None


# --- query counts ---------------------------------------------------------------------------


MAP_PAGE_QUERIES = 20


def _fill(cycle, n: int) -> None:
    with scopes_disabled():
        made: list[RippleEffect] = []
        for i in range(n):
            parent = made[(i - 1) // 3] if i else None
            made.append(
                RippleEffect.objects.create(
                    organisation_id=cycle.organisation_id,
                    cycle=cycle,
                    description=f"Effect {i}",
                    level=["individual", "community", "system"][i % 3],
                    parent=parent,
                )  # fmt: skip
            )
    for i in range(min(n, 5)):
        make_action(cycle, f"Action {i}")


@pytest.mark.parametrize("size", [3, 120])
def test_the_map_page_takes_a_fixed_number_of_queries(
    client_for, users, org, cycle, size, django_assert_max_num_queries
):
    _fill(cycle, size)
    for role in (Role.ENGAGEMENT_LEAD, Role.COMMUNITY_LEAD):
        client = client_for(users[role])
        client.get(url("ripple_map", org, cycle.pk))
        with django_assert_max_num_queries(MAP_PAGE_QUERIES):
            assert client.get(url("ripple_map", org, cycle.pk)).status_code == 200


def test_map_page_queries_do_not_grow(client_for, users, org, cycle, other_cycle):
    _fill(cycle, 3)
    _fill(other_cycle, 120)
    client = client_for(users[Role.ENGAGEMENT_LEAD])
    counts = []
    for c in (cycle, other_cycle):
        client.get(url("ripple_map", org, c.pk))
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url("ripple_map", org, c.pk))
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
