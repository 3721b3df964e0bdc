"""The cycle list, creating and editing a cycle, its page and moving it between stages
(views/cycles.py): admins and engagement leads do everything; community leads and
governance members attached to a cycle read it and change nothing; those not attached get
404."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from cycles.models import Cycle, StageTransition
from cycles.tests.builders import cycle_url, fill_stage_one, make_cycle
from t2a.models import Role
from t2a.registry import ReadinessMeasure
from tests.matrix import ALL_ROLES, STAFF, assert_role_matrix
from tests.registry import only

pytestmark = pytest.mark.django_db

CYCLE_DATA = {
    "title": "Diabetes care in Spinney Hills",
    "inequality": "More diabetes complications in the most deprived decile",
    "place": "Spinney Hills",
    "population_groups": "South Asian men",
    "status": "active",
}

CYCLE = {
    "title": "Diabetes care",
    "inequality": "More complications in the most deprived decile",
    "place": "Spinney Hills",
    "status": "draft",
}


def counts():
    with scopes_disabled():
        return (
            Cycle.objects.count(),
            StageTransition.objects.count(),
        )


# Who may do what --------------------------------------------------------------------------


def test_outsiders_get_404(client_for, outsider, cycle):
    client = client_for(outsider)
    for suffix in ("", "edit/", "stage/advance/"):
        assert client.get(cycle_url(cycle, suffix)).status_code == 404, suffix
    assert client.get(f"/o/{cycle.organisation.slug}/cycles/").status_code == 404


def test_cycle_pages_open_to_every_attached_role(client_for, users, cycle):
    assert_role_matrix(client_for, users, cycle_url(cycle), get=ALL_ROLES)
    assert_role_matrix(client_for, users, f"/o/{cycle.organisation.slug}/cycles/", get=ALL_ROLES)


def test_create_cycle(client_for, users, org):
    url = f"/o/{org.slug}/cycles/new/"
    # A title of its own for each role: an open cycle's title cannot be taken twice.
    data = lambda role: CYCLE_DATA | {"title": f"Diabetes care ({role})"}  # noqa: E731
    assert_role_matrix(client_for, users, url, get=STAFF, post=STAFF, data=data)


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


def test_read_only_roles_see_no_edit_controls(client_for, users, cycle):
    for role in (Role.COMMUNITY_LEAD, Role.GOVERNANCE):
        client = client_for(users[role])
        home = client.get(cycle_url(cycle)).content.decode()
        assert "Move to stage 2" not in home and "Edit cycle details" not in home
        assert (
            "Create a cycle"
            not in client.get(f"/o/{cycle.organisation.slug}/cycles/").content.decode()
        )


@pytest.mark.parametrize("role", [Role.COMMUNITY_LEAD, Role.GOVERNANCE])
def test_members_not_attached_to_a_cycle_get_404(client_for, users, org, role):
    other = make_cycle(org, "Someone else's cycle")
    client = client_for(users[role])
    assert client.get(cycle_url(other)).status_code == 404
    listing = client.get(f"/o/{org.slug}/cycles/").content.decode()
    assert "Someone else&#x27;s cycle" not in listing and "Someone else's cycle" not in listing


# Bad input --------------------------------------------------------------------------------


def test_dates_in_the_wrong_order(lead, org):
    before = counts()
    data = CYCLE | {"start_date": "2026-05-01", "target_date": "2026-04-01"}
    response = lead.post(f"/o/{org.slug}/cycles/new/", data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body and "<title>Error: " in body
    assert "The target date must be the same as or after the start date." in body
    assert counts() == before


def test_required_cycle_fields(lead, org):
    before = counts()
    response = lead.post(f"/o/{org.slug}/cycles/new/", {"status": "draft"})
    assert response.status_code == 400
    assert response.content.decode().count("This field is required.") >= 3
    assert counts() == before


def test_advancing_with_unmet_items_needs_a_reason(lead, cycle):
    url = cycle_url(cycle, "stage/advance/")
    response = lead.post(url, {"from_stage": "1", "reason": "", "inclusion_changed": "no"})
    assert response.status_code == 400
    assert "Give a reason for moving on with checklist items not met." in response.content.decode()
    response = lead.post(url, {"from_stage": "1", "reason": "Now", "inclusion_changed": "yes"})
    assert response.status_code == 400 and "Say what has changed." in response.content.decode()
    response = lead.post(url, {"from_stage": "1", "reason": "Now"})
    assert "Say whether anything has changed in the inclusion prompts." in response.content.decode()
    with scopes_disabled():
        assert Cycle.objects.get(pk=cycle.pk).current_stage == 1
        assert not StageTransition.objects.exists()


def test_going_back_needs_a_reason(lead, org):
    cycle = make_cycle(org, current_stage=3)
    response = lead.post(cycle_url(cycle, "stage/back/"), {"from_stage": "3", "reason": ""})
    assert response.status_code == 400
    assert "Give a reason for going back a stage." in response.content.decode()
    with scopes_disabled():
        assert Cycle.objects.get(pk=cycle.pk).current_stage == 3


def test_a_stale_stage_form_cannot_skip_a_stage(lead, cycle):
    data = {"from_stage": "1", "reason": "Go", "inclusion_changed": "no"}
    assert lead.post(cycle_url(cycle, "stage/advance/"), data).status_code == 302
    response = lead.post(cycle_url(cycle, "stage/advance/"), data)  # the same form again
    assert response.status_code == 400
    assert "Someone has moved this cycle since you opened the page." in response.content.decode()
    with scopes_disabled():
        assert Cycle.objects.get(pk=cycle.pk).current_stage == 2
        assert StageTransition.objects.count() == 1


def test_people_from_another_organisation_cannot_be_chosen(lead, org, other_org, outsider):
    data = CYCLE | {"lead": outsider.pk}
    response = lead.post(f"/o/{org.slug}/cycles/new/", data)
    assert response.status_code == 400
    assert "Select a valid choice." in response.content.decode()
    data = CYCLE | {"community_leads": [outsider.pk]}
    assert lead.post(f"/o/{org.slug}/cycles/new/", data).status_code == 400


# What the pages do ------------------------------------------------------------------------


def test_advancing_records_who_when_why_and_what_was_unmet(lead, users, cycle):
    response = lead.post(
        cycle_url(cycle, "stage/advance/"),
        {
            "from_stage": "1",
            "reason": "Listening can start",
            "inclusion_changed": "yes",
            "inclusion_note": "Roma families are missing",
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        transition = StageTransition.objects.get(cycle=cycle)
        assert Cycle.objects.get(pk=cycle.pk).current_stage == 2
    assert transition.moved_by == users[Role.ENGAGEMENT_LEAD]
    assert transition.reason == "Listening can start"
    assert transition.inclusion_prompts_changed is True
    assert "case_for_change_written" in {i["key"] for i in transition.unmet_items}
    page = lead.get(cycle_url(cycle)).content.decode()
    assert "Listening can start" in page and "Roma families are missing" in page


def test_advancing_with_everything_met_needs_no_reason(lead, org, monkeypatch):
    met = ReadinessMeasure(
        app="cycles",
        key="always",
        position=1,
        stage=1,
        label="Always met",
        measure="cycles.tests.views.test_cycles.all_met",
    )
    only(monkeypatch, ReadinessMeasure, met, keep=lambda c: c.stage != 1)
    cycle = make_cycle(org)
    response = lead.post(
        cycle_url(cycle, "stage/advance/"), {"from_stage": "1", "inclusion_changed": "no"}
    )
    assert response.status_code == 302
    with scopes_disabled():
        assert StageTransition.objects.get(cycle=cycle).unmet_items == []


def all_met(cycles):
    return {c.pk: True for c in cycles}


def test_going_back_is_recorded(lead, org):
    cycle = make_cycle(org, current_stage=2)
    page = lead.get(cycle_url(cycle, "stage/back/")).content.decode()
    assert "inclusion_changed" not in page
    response = lead.post(
        cycle_url(cycle, "stage/back/"), {"from_stage": "2", "reason": "No steering group"}
    )
    assert response.status_code == 302
    with scopes_disabled():
        transition = StageTransition.objects.get(cycle=cycle)
        assert (transition.from_stage, transition.to_stage) == (2, 1)
    assert "Went back from stage 2 to stage 1" in lead.get(cycle_url(cycle)).content.decode()


def test_list_filters_and_search(lead, org, users):
    make_cycle(org, "Maternity in Leicester", status="active", lead=users[Role.ENGAGEMENT_LEAD])
    make_cycle(org, "Diabetes in Derby", status="draft", current_stage=3, place="Derby")
    url = f"/o/{org.slug}/cycles/"
    assert "Diabetes in Derby" not in lead.get(url, {"q": "leicester"}).content.decode()
    assert "Maternity in Leicester" not in lead.get(url, {"stage": "3"}).content.decode()
    assert "Maternity in Leicester" not in lead.get(url, {"status": "draft"}).content.decode()
    only_mine = lead.get(url, {"lead": users[Role.ENGAGEMENT_LEAD].pk}).content.decode()
    assert "Maternity in Leicester" in only_mine and "Diabetes in Derby" not in only_mine
    partial = lead.get(url, {"q": "derby"}, headers={"HX-Request": "true"}).content.decode()
    assert partial.lstrip().startswith('<div id="cycle-results"') and "Diabetes in Derby" in partial


def test_new_cycle_gets_a_unique_slug_that_survives_renaming(lead, org):
    data = {"title": "Maternity", "inequality": "Gap", "place": "Leicester", "status": "draft"}
    lead.post(f"/o/{org.slug}/cycles/new/", data)
    with scopes_disabled():
        # Closed, so its title may be used again (an open cycle's may not).
        Cycle.objects.filter(slug="maternity").update(status="closed")
    lead.post(f"/o/{org.slug}/cycles/new/", data)
    with scopes_disabled():
        slugs = sorted(Cycle.objects.values_list("slug", flat=True))
        assert slugs == ["maternity", "maternity-2"]
        cycle = Cycle.objects.get(slug="maternity-2")
    lead.post(cycle_url(cycle, "edit/"), data | {"title": "Maternity renamed"})
    with scopes_disabled():
        assert Cycle.objects.get(pk=cycle.pk).slug == "maternity-2"


# Query counts -----------------------------------------------------------------------------


def count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", [Role.ADMIN, Role.COMMUNITY_LEAD])
def test_cycle_list_and_home_queries_do_not_grow(
    org, users, client_for, role, django_assert_max_num_queries
):
    client = client_for(users[role])
    lead = users[Role.ENGAGEMENT_LEAD]
    people = {"community_leads": (users[Role.COMMUNITY_LEAD],), "lead": lead}
    first = make_cycle(org, "First", **people)
    fill_stage_one(first, lead, 1)
    list_url = f"/o/{org.slug}/cycles/"
    small = {"list": count(client, list_url), "home": count(client, cycle_url(first))}

    fill_stage_one(first, lead, 30)
    for n in range(49):
        cycle = make_cycle(org, f"Cycle {n}", current_stage=1 + n % 5, **people)
        fill_stage_one(cycle, lead, 2)

    with django_assert_max_num_queries(small["list"]):
        assert client.get(list_url).status_code == 200
    with django_assert_max_num_queries(small["list"]):
        assert client.get(list_url, {"page": "2", "q": "cycle"}).status_code == 200
    with django_assert_max_num_queries(small["home"]):
        assert client.get(cycle_url(first)).status_code == 200
    print(f"\nquery counts for {role}: {small}")


# Telling cycles apart ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "Diabetes care in Spinney Hills",
        "  diabetes CARE in  spinney hills ",
        "Diabetes\u200b care in Spinney Hills",
    ],
)
def test_a_title_an_open_cycle_has_is_refused(client_for, users, org, typed):
    make_cycle(org, "Diabetes care in Spinney Hills", status="active")
    before = counts()
    response = client_for(users[Role.ENGAGEMENT_LEAD]).post(
        f"/o/{org.slug}/cycles/new/", CYCLE_DATA | {"title": typed}
    )
    assert response.status_code == 400
    assert "<title>Error: " in response.text
    assert response.text.count("An open cycle is already called") == 2  # summary and field
    assert counts() == before


def test_a_closed_cycles_title_may_be_used_again(client_for, users, org):
    make_cycle(org, "Diabetes care in Spinney Hills", status="closed")
    response = client_for(users[Role.ADMIN]).post(f"/o/{org.slug}/cycles/new/", CYCLE_DATA)
    assert response.status_code == 302


def test_renaming_a_cycle_to_an_open_cycles_title_is_refused(client_for, users, org, cycle):
    make_cycle(org, "Diabetes care in Spinney Hills", status="draft")
    data = CYCLE_DATA | {"community_leads": [users[Role.COMMUNITY_LEAD].pk]}
    response = client_for(users[Role.ADMIN]).post(cycle_url(cycle, "edit/"), data)
    assert response.status_code == 400
    assert "An open cycle is already called" in response.text
    with scopes_disabled():
        cycle.refresh_from_db()
    assert cycle.title == "Maternity in Northgate"
    # Keeping its own title is no clash.
    same = CYCLE_DATA | {"title": cycle.title}
    assert client_for(users[Role.ADMIN]).post(cycle_url(cycle, "edit/"), same).status_code == 302


def test_cycles_of_the_same_title_are_told_apart_in_the_list_and_on_the_home_page(
    client_for, users, org
):
    first = make_cycle(
        org,
        "Maternity voices",
        status="closed",
        lead=users[Role.ENGAGEMENT_LEAD],
        start_date=date(2025, 1, 6),
        target_date=date(2025, 12, 19),
    )
    make_cycle(
        org,
        "Maternity voices",
        status="active",
        lead=users[Role.ENGAGEMENT_LEAD],
        previous_iteration=first,
        iteration=2,
        start_date=date(2026, 1, 5),
    )
    client = client_for(users[Role.ENGAGEMENT_LEAD])
    listed = client.get(f"/o/{org.slug}/cycles/").text
    assert "Iteration 1, 6 January 2025 to 19 December 2025, closed" in listed
    assert "Iteration 2, from 5 January 2026" in listed
    home = client.get(f"/o/{org.slug}/").text
    assert "Iteration 2, from 5 January 2026" in home
