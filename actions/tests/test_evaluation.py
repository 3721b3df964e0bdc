"""The annual evaluation and the ripple-effect map: permissions, behaviour, bad input,
query counts and the SVG drawing."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from actions import ripple
from actions.evaluation import SECTIONS, evaluation_what_to_adapt
from actions.models import Evaluation, RippleEffect
from cycles.tests.builders import make_cycle
from feedback.tests.builders import make_insight
from t2a.models import Role
from tests.cast import make_member
from tests.matrix import ALL_ROLES, STAFF, assert_role_matrix

from .builders import make_action, make_effect, make_evaluation

pytestmark = pytest.mark.django_db

CL = {Role.COMMUNITY_LEAD}
HTMX = {"HX-Request": "true"}


def url(name: str, org, *args) -> str:
    return reverse(f"actions:{name}", args=[org.slug, *args])


def effect_data(**overrides) -> dict:
    return {"description": "Amina joined the maternity voices group", "level": "individual"} | (
        overrides
    )


def evaluation_data(**overrides) -> dict:
    return {s.field: "" for s in SECTIONS} | overrides


# --- permissions -----------------------------------------------------------------------------


def test_everyone_on_the_cycle_reads_the_evaluation_and_map(client_for, users, org, cycle):
    make_effect(cycle)
    for name in ("evaluation", "ripple_map"):
        assert_role_matrix(client_for, users, url(name, org, cycle.pk), get=ALL_ROLES)


def test_members_not_on_the_cycle_and_outsiders_get_404(client_for, org, cycle, outsider):
    effect = make_effect(cycle)
    other_lead = make_member(org, Role.COMMUNITY_LEAD, "other.lead@northgate.example.org")
    other_board = make_member(org, Role.GOVERNANCE, "other.board@northgate.example.org")
    reads = (url("evaluation", org, cycle.pk), url("ripple_map", org, cycle.pk))
    writes = (
        url("ripple_effect_edit", org, effect.pk),
        url("ripple_effect_delete", org, effect.pk),
    )
    for user in (other_lead, other_board, outsider):
        client = client_for(user)
        for target in reads:
            assert client.get(target).status_code == 404, (user, target)
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


def test_only_staff_write_the_evaluation(client_for, users, org, cycle):
    assert_role_matrix(
        client_for, users, url("evaluation_edit", org, cycle.pk), get=STAFF, post=STAFF,
        data=lambda role: evaluation_data(what_worked=f"Written by {role.value}"),
    )  # fmt: skip


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


# --- the evaluation ------------------------------------------------------------------------


def test_writing_and_reading_the_evaluation(client_for, users, org, cycle):
    lead = client_for(users[Role.ENGAGEMENT_LEAD])
    page = lead.get(url("evaluation_edit", org, cycle.pk)).text
    for section in SECTIONS:
        assert section.heading in page and section.hint[:40] in page
    assert "Health outcomes take time" in page
    assert 'data-module="nhsuk-character-count"' in page and 'data-maxlength="4000"' in page
    response = lead.post(
        url("evaluation_edit", org, cycle.pk),
        evaluation_data(
            what_worked="  Cafés at the mosque brought 40 women.  ",
            what_to_adapt="Start the evening clinic sooner.",
            evidence_health="Early bookings rose from 58% to 66%.",
        ),
    )
    assert response.status_code == 302
    with scopes_disabled():
        saved = Evaluation.objects.get(cycle=cycle)
    assert saved.what_worked == "Cafés at the mosque brought 40 women."
    assert saved.updated_by == users[Role.ENGAGEMENT_LEAD]
    with scope(organisation=org.pk):
        assert evaluation_what_to_adapt(cycle) == "Start the evening clinic sooner."
    board = client_for(users[Role.GOVERNANCE]).get(url("evaluation", org, cycle.pk)).text
    assert "Cafés at the mosque brought 40 women." in board
    assert "Early bookings rose from 58% to 66%." in board
    assert "3 of 8 sections written" in board
    assert "Edit the evaluation" not in board
    assert "Not written yet." in board


def test_what_to_adapt_is_empty_without_an_evaluation(org, cycle):
    with scope(organisation=org.pk):
        assert evaluation_what_to_adapt(cycle) == ""
    make_evaluation(cycle, what_worked="Something")
    with scope(organisation=org.pk):
        assert evaluation_what_to_adapt(cycle) == ""


def test_a_section_too_long_is_refused_with_the_error_summary(client_for, users, org, cycle):
    make_evaluation(cycle, what_worked="Kept as it was")
    lead = client_for(users[Role.ENGAGEMENT_LEAD])
    response = lead.post(
        url("evaluation_edit", org, cycle.pk),
        evaluation_data(what_worked="Changed", evidence_services="x" * 4001),
    )
    assert response.status_code == 400
    page = response.text
    assert "<title>Error:" in page and "There is a problem" in page
    assert "Quality and relevance of services must be 4,000 characters or fewer" in page
    assert 'href="#id_evidence_services"' in page
    with scopes_disabled():
        assert Evaluation.objects.get(cycle=cycle).what_worked == "Kept as it was"


# --- the ripple-effect map -----------------------------------------------------------------


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
    from auditlog.models import LogEntry

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


def test_the_services_hold_the_rules_without_the_form(org, cycle, other_cycle):
    root = make_effect(cycle, "Root")
    child = make_effect(cycle, "Child", parent=root)
    foreign = make_effect(other_cycle, "Elsewhere")
    with scope(organisation=org.pk):
        for effect, field in (
            (RippleEffect(cycle=cycle, description="New", level="system",
                          parent=foreign), "parent"),
            (RippleEffect(cycle=cycle, description="New", level="system",
                          action=make_action(other_cycle, "Foot checks")), "action"),
            (RippleEffect(cycle=cycle, description="root", level="system"), "description"),
        ):  # fmt: skip
            with pytest.raises(ValidationError) as raised:
                ripple.effect_save(effect=effect, by=None)
            assert field in raised.value.error_dict
        root.parent = child
        with pytest.raises(ValidationError) as raised:
            ripple.effect_save(effect=root, by=None)
        assert "cannot grow out of itself" in str(raised.value)


def test_the_map_is_at_most_five_levels_deep(org, cycle):
    parent = None
    for n in range(ripple.MAX_DEPTH):
        parent = make_effect(cycle, f"Level {n}", parent=parent)
    with scope(organisation=org.pk):
        with pytest.raises(ValidationError, match="at most 5 levels"):
            ripple.effect_save(
                effect=RippleEffect(cycle=cycle, description="Too deep", level="system",
                                    parent=parent),
                by=None,
            )  # fmt: skip
        # Moving a two-level branch under level 3 would make six levels.
        branch = make_effect(cycle, "Branch")
        make_effect(cycle, "Branch child", parent=branch)
        with scopes_disabled():
            level3 = RippleEffect.objects.get(description="Level 3")
        branch.parent = level3
        with pytest.raises(ValidationError, match="at most 5 levels"):
            ripple.effect_save(effect=branch, by=None)


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


# --- the drawing ---------------------------------------------------------------------------


def _rows(cycle, org):
    with scope(organisation=org.pk):
        roots = ripple.build_tree(ripple.effects_of(cycle))
        return ripple.tree_rows(roots, may_see_sensitive=True)


def test_the_drawing_escapes_text_and_slices_for_pages(org, cycle):
    root = make_effect(cycle, '<script>alert("x")</script> & a very long description ' * 3)
    for n in range(9):
        make_effect(cycle, f"Child {n}", level="community", parent=root)
    rows = _rows(cycle, org)
    whole = ripple.ripple_svg(rows, title="Map <b>")
    assert len(whole) == 1
    assert "<script>" not in whole[0] and "&lt;script&gt;" in whole[0]
    assert "Map &lt;b&gt;" in whole[0]
    parts = ripple.ripple_svg(rows, title="Map", max_rows=4)
    assert len(parts) == 3  # 9 leaf rows in slices of 4
    assert sum(p.count("<g>") for p in parts) == 10  # every box drawn exactly once
    heights = [float(re.search(r'height="([\d.]+)"', p).group(1)) for p in parts]
    assert all(h <= 4 * (ripple.BOX_H + ripple.ROW_GAP) + ripple.MARGIN for h in heights)
    assert all("(part" in p for p in parts)


def test_long_words_wrap_inside_the_box():
    lines = ripple._lines("Supercalifragilistic" * 10)
    assert len(lines) == ripple.MAX_LINES
    assert all(len(line) <= ripple.LINE_CHARS for line in lines)
    assert lines[-1].endswith("\u2026")


# --- query counts --------------------------------------------------------------------------

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
def test_map_and_evaluation_pages_take_a_fixed_number_of_queries(
    client_for, users, org, cycle, size, django_assert_max_num_queries
):
    _fill(cycle, size)
    make_evaluation(cycle, what_worked="Yes")
    for role in (Role.ENGAGEMENT_LEAD, Role.COMMUNITY_LEAD):
        client = client_for(users[role])
        client.get(url("ripple_map", org, cycle.pk))
        with django_assert_max_num_queries(MAP_PAGE_QUERIES):
            assert client.get(url("ripple_map", org, cycle.pk)).status_code == 200
        with django_assert_max_num_queries(MAP_PAGE_QUERIES):
            assert client.get(url("evaluation", org, cycle.pk)).status_code == 200


def test_map_page_queries_do_not_grow(client_for, users, org, cycle, other_cycle):
    _fill(cycle, 3)
    _fill(other_cycle, 120)
    client = client_for(users[Role.ENGAGEMENT_LEAD])
    counts = []
    for c in (cycle, other_cycle):
        client.get(url("ripple_map", org, c.pk))
        with CaptureQueriesContext(connection) as queries:
            client.get(url("ripple_map", org, c.pk))
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
