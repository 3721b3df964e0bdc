"""Responsible closure and the next iteration (views/closure.py): moving to closing opens
the checklist; "closed" is refused — by the checklist page and the cycle edit form alike —
until every step is done or explained. Admins and engagement leads do everything;
community leads and governance members on the cycle read the checklist and change
nothing; those not on the cycle get 404."""

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope, scopes_disabled

from cycles.models import ClosureItem, ClosureItemKey, Cycle
from cycles.services.closure import cycle_start_next_iteration
from cycles.tests.builders import cycle_url, make_closure, make_cycle
from t2a.models import Role
from tests.matrix import ALL_ROLES, STAFF, assert_role_matrix

pytestmark = pytest.mark.django_db

KEYS = [key.value for key in ClosureItemKey]
ALL_DONE = dict.fromkeys(KEYS, "done")
EDIT = {
    "title": "Maternity services engagement",
    "inequality": "Higher stillbirth rates among Black mothers",
    "place": "Northgate",
    "population_groups": "Black African women",
}


def status_of(cycle) -> str:
    with scopes_disabled():
        return Cycle.objects.get(pk=cycle.pk).status


def stored(cycle) -> dict:
    with scopes_disabled():
        return {i.key: (i.state, i.note) for i in ClosureItem.objects.filter(cycle=cycle)}


def all_but(key: str, state: str = "not_yet") -> dict:
    return ALL_DONE | {key: state}


def fresh(org, users, *, status: str = "active", states=None):
    """A new cycle per role, so a write by one role never decides the next role's answer."""

    def make(role, suffix: str):
        cycle = make_cycle(
            org,
            f"Cycle for {role.value}",
            status=status if status in ("draft", "active") else "active",
            community_leads=(users[Role.COMMUNITY_LEAD],),
            governance_members=(users[Role.GOVERNANCE],),
        )
        if status in ("closing", "closed"):
            make_closure(cycle, states, status=status)
        return cycle_url(cycle, suffix)

    return make


# Who may do what --------------------------------------------------------------------------


def test_the_checklist_is_read_by_every_role_on_the_cycle(client_for, users, cycle):
    assert_role_matrix(client_for, users, cycle_url(cycle, "closure/"), get=ALL_ROLES)
    make_closure(cycle, {"communicated": "done"})
    assert_role_matrix(client_for, users, cycle_url(cycle, "closure/"), get=ALL_ROLES)


def test_start_closing(client_for, users, org):
    make = fresh(org, users)
    url = lambda role: make(role, "closure/start/")  # noqa: E731
    seen = assert_role_matrix(client_for, users, url, post=STAFF)
    assert seen[(Role.ADMIN.value, "post")] == 302
    with scopes_disabled():
        closing = set(Cycle.objects.filter(status="closing").values_list("title", flat=True))
    assert closing == {"Cycle for admin", "Cycle for engagement_lead"}


def test_record_a_step(client_for, users, org):
    make = fresh(org, users, status="closing")
    url = lambda role: make(role, "closure/steps/thanked/")  # noqa: E731
    data = {"state": "done", "note": "Thank-you event"}
    assert_role_matrix(client_for, users, url, get=STAFF, post=STAFF, data=data)
    with scopes_disabled():
        done = ClosureItem.objects.filter(key="thanked", state="done", note="Thank-you event")
        assert sorted(done.values_list("cycle__title", flat=True)) == [
            "Cycle for admin", "Cycle for engagement_lead"
        ]  # fmt: skip


def test_record_a_step_with_htmx(client_for, users, org):
    make = fresh(org, users, status="closing")
    url = lambda role: make(role, "closure/steps/communicated/")  # noqa: E731
    data = {"state": "explained", "note": "Funding stopped"}
    assert_role_matrix(client_for, users, url, get=STAFF, post=STAFF, data=data, htmx=True)


def test_close(client_for, users, org):
    make = fresh(org, users, status="closing", states=ALL_DONE)
    url = lambda role: make(role, "closure/close/")  # noqa: E731
    seen = assert_role_matrix(client_for, users, url, post=STAFF)
    assert seen[(Role.ENGAGEMENT_LEAD.value, "post")] == 302
    with scopes_disabled():
        closed = set(Cycle.objects.filter(status="closed").values_list("title", flat=True))
    assert closed == {"Cycle for admin", "Cycle for engagement_lead"}


def test_start_the_next_iteration(client_for, users, org):
    make = fresh(org, users, status="closing")
    url = lambda role: make(role, "next-iteration/")  # noqa: E731
    data = lambda role: {"title": f"Next for {role.value}"}  # noqa: E731
    assert_role_matrix(client_for, users, url, get=STAFF, post=STAFF, data=data)
    with scopes_disabled():
        started = set(
            Cycle.objects.filter(previous_iteration__isnull=False).values_list("title", flat=True)
        )
    assert started == {"Next for admin", "Next for engagement_lead"}


@pytest.mark.parametrize(
    "suffix, method",
    [
        ("closure/", "get"),
        ("closure/start/", "post"),
        ("closure/steps/thanked/", "get"),
        ("closure/steps/thanked/", "post"),
        ("closure/close/", "post"),
        ("next-iteration/", "get"),
        ("next-iteration/", "post"),
    ],
)
def test_members_not_on_the_cycle_and_outsiders_are_kept_out(
    client_for, org, users, outsider, suffix, method
):
    cycle = make_closure(make_cycle(org, "Nobody's", slug="nobodys"), ALL_DONE)
    url = cycle_url(cycle, suffix)
    data = {"state": "done", "title": "X"}
    # The role check comes first (403 for what the role may never do); a cycle the member
    # is not on is 404 for what the role may do; another organisation is always 404.
    expected = {404} if suffix == "closure/" else {403}
    for user in (users[Role.COMMUNITY_LEAD], users[Role.GOVERNANCE]):
        assert getattr(client_for(user), method)(url, data).status_code in expected, (user, url)
    assert getattr(client_for(outsider), method)(url, data).status_code == 404
    with scopes_disabled():
        assert Cycle.objects.get(pk=cycle.pk).status == "closing"
        assert not Cycle.objects.filter(previous_iteration=cycle).exists()


def test_community_leads_and_governance_read_but_cannot_change(client_for, users, cycle):
    make_closure(cycle, {"communicated": ("done", "Told at the café")})
    for role in (Role.COMMUNITY_LEAD, Role.GOVERNANCE):
        page = client_for(users[role]).get(cycle_url(cycle, "closure/")).content.decode()
        assert "Told at the café" in page
        assert "Record this step" not in page
        assert "Close the cycle" not in page
        assert "Start the next iteration" not in page


def test_a_lead_not_on_the_cycle_gets_404(client_for, org, users):
    other = make_cycle(org, "Not yours", slug="not-yours")
    make_closure(other)
    assert (
        client_for(users[Role.COMMUNITY_LEAD]).get(cycle_url(other, "closure/")).status_code == 404
    )


# Opening the checklist --------------------------------------------------------------------


def test_moving_to_closing_on_the_checklist_page_opens_the_checklist(lead, cycle):
    response = lead.post(cycle_url(cycle, "closure/start/"))
    assert response.status_code == 302
    assert status_of(cycle) == "closing"
    assert stored(cycle) == dict.fromkeys(KEYS, ("not_yet", ""))
    page = lead.get(cycle_url(cycle, "closure/")).content.decode()
    # No actions to hand over: the data already meets that step.
    assert "1 of 5</strong> closure steps done or explained" in page


def test_moving_to_closing_with_the_edit_form_opens_the_checklist(lead, cycle):
    response = lead.post(cycle_url(cycle, "edit/"), EDIT | {"status": "closing"})
    assert response.status_code == 302
    assert status_of(cycle) == "closing"
    assert set(stored(cycle)) == set(KEYS)


def test_closing_twice_keeps_what_was_recorded(lead, cycle):
    make_closure(cycle, {"communicated": ("done", "Letters sent in March")}, status="active")
    lead.post(cycle_url(cycle, "edit/"), EDIT | {"status": "closing"})
    assert stored(cycle)["communicated"] == ("done", "Letters sent in March")


def test_a_cycle_already_closing_cannot_start_closing_again(lead, cycle):
    make_closure(cycle)
    response = lead.post(cycle_url(cycle, "closure/start/"))
    assert response.status_code == 400
    assert "This cycle is already closing." in response.content.decode()


def test_the_checklist_page_before_closing_says_when_it_opens(lead, cycle):
    page = lead.get(cycle_url(cycle, "closure/")).content.decode()
    assert "Its closure checklist opens when it moves to closing." in page
    assert "Start closing this cycle" in page
    assert stored(cycle) == {}  # reading writes nothing


# "Closed" is refused unless every step is done or explained -------------------------------


@pytest.mark.parametrize("key", ["communicated", "thanked", "transition"])
def test_the_page_refuses_to_close_with_a_step_not_yet_done(lead, cycle, key):
    make_closure(cycle, all_but(key))
    response = lead.post(cycle_url(cycle, "closure/close/"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "<title>Error: " in page
    assert "There is a problem" in page
    assert "This cycle cannot close yet: 1 closure step is neither done nor explained" in page
    assert ClosureItemKey(key).label.lower() in page
    assert status_of(cycle) == "closing"


def test_the_edit_form_refuses_closed_with_an_unexplained_step(lead, cycle):
    make_closure(cycle, all_but("thanked"))
    data = EDIT | {"status": "closed", "title": "A new title that must not be saved"}
    response = lead.post(cycle_url(cycle, "edit/"), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "This cycle cannot close yet" in page
    assert "contributors thanked and recognised" in page
    with scopes_disabled():
        kept = Cycle.objects.get(pk=cycle.pk)
    assert (kept.status, kept.title) == ("closing", cycle.title)


def test_the_edit_form_refuses_closed_straight_from_active(lead, cycle):
    response = lead.post(cycle_url(cycle, "edit/"), EDIT | {"status": "closed"})
    assert response.status_code == 400
    assert "4 closure steps are neither done nor explained" in response.content.decode()
    assert status_of(cycle) == "draft"


def test_a_new_cycle_cannot_be_created_closed(lead, org):
    data = EDIT | {"title": "Born closed", "status": "closed"}
    response = lead.post(f"/o/{org.slug}/cycles/new/", data)
    assert response.status_code == 400
    assert "A new cycle cannot start closed" in response.content.decode()
    with scopes_disabled():
        assert not Cycle.objects.filter(title="Born closed").exists()


def test_every_step_done_or_explained_lets_the_page_close_the_cycle(lead, cycle):
    make_closure(cycle, all_but("thanked", ("explained", "The group asked not to be named.")))
    response = lead.post(cycle_url(cycle, "closure/close/"))
    assert response.status_code == 302
    assert response.url == cycle_url(cycle)
    assert status_of(cycle) == "closed"
    assert "This cycle is closed." in lead.get(cycle_url(cycle)).content.decode()


def test_every_step_done_lets_the_edit_form_close_the_cycle(lead, cycle):
    make_closure(cycle, ALL_DONE)
    response = lead.post(cycle_url(cycle, "edit/"), EDIT | {"status": "closed"})
    assert response.status_code == 302
    assert status_of(cycle) == "closed"


def test_only_a_closing_cycle_closes_from_the_page(lead, cycle):
    response = lead.post(cycle_url(cycle, "closure/close/"))
    assert response.status_code == 400
    assert "Move the cycle to closing first" in response.content.decode()
    assert status_of(cycle) == "draft"


def test_a_closed_cycle_can_be_reopened_and_its_checklist_changes_again(lead, cycle):
    make_closure(cycle, ALL_DONE, status="closed")
    step = cycle_url(cycle, "closure/steps/communicated/")
    refused = lead.post(step, {"state": "not_yet"})
    assert refused.status_code == 302  # back to the checklist, nothing changed
    assert stored(cycle)["communicated"] == ("done", "")
    assert lead.post(cycle_url(cycle, "edit/"), EDIT | {"status": "closing"}).status_code == 302
    assert lead.post(step, {"state": "not_yet"}).status_code == 302
    assert stored(cycle)["communicated"] == ("not_yet", "")


# Recording steps --------------------------------------------------------------------------


def test_recording_a_step_without_javascript(lead, cycle):
    make_closure(cycle)
    url = cycle_url(cycle, "closure/steps/thanked/")
    form = lead.get(url)
    assert form.status_code == 200
    assert "Contributors thanked and recognised" in form.content.decode()
    response = lead.post(url, {"state": "done", "note": "Certificates at the final café."})
    assert response.status_code == 302
    assert response.url.endswith("/closure/#closure-item-thanked")
    assert stored(cycle)["thanked"] == ("done", "Certificates at the final café.")
    page = lead.get(cycle_url(cycle, "closure/")).content.decode()
    assert "Certificates at the final café." in page
    assert "2 of 5</strong>" in page


def test_recording_a_step_with_htmx_redraws_the_checklist(lead, cycle):
    make_closure(cycle)
    url = cycle_url(cycle, "closure/steps/communicated/")
    htmx = {"HX-Request": "true"}
    form = lead.get(url, headers=htmx)
    assert form.status_code == 200
    assert form.content.decode().lstrip().startswith('<li id="closure-item-communicated"')
    response = lead.post(
        url, {"state": "explained", "note": "Funding ended suddenly."}, headers=htmx
    )
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#closure-body"
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="closure-body">')
    assert "Funding ended suddenly." in body
    assert stored(cycle)["communicated"] == ("explained", "Funding ended suddenly.")


def test_an_explanation_is_needed_full_page_400(lead, cycle):
    make_closure(cycle)
    response = lead.post(cycle_url(cycle, "closure/steps/transition/"), {"state": "explained"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "<title>Error: " in page
    assert "There is a problem" in page
    assert "Explain why this step was not done." in page
    assert stored(cycle)["transition"] == ("not_yet", "")


def test_an_explanation_is_needed_htmx_200(lead, cycle):
    make_closure(cycle)
    response = lead.post(
        cycle_url(cycle, "closure/steps/transition/"),
        {"state": "explained", "note": "   "},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "Explain why this step was not done." in response.content.decode()
    assert stored(cycle)["transition"] == ("not_yet", "")


@pytest.mark.parametrize(
    "data, message",
    [
        ({}, "Say whether this step is done"),
        ({"state": "finished"}, "Choose done, not done with a reason, or not yet."),
        ({"state": "done", "note": "x" * 5001}, "must be 5,000 characters or fewer"),
    ],
)
def test_bad_step_input_is_refused_clearly(lead, cycle, data, message):
    make_closure(cycle)
    response = lead.post(cycle_url(cycle, "closure/steps/thanked/"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert stored(cycle)["thanked"] == ("not_yet", "")


def test_an_unknown_step_is_404(lead, cycle):
    make_closure(cycle)
    assert lead.get(cycle_url(cycle, "closure/steps/party/")).status_code == 404
    assert lead.post(cycle_url(cycle, "closure/steps/party/"), {"state": "done"}).status_code == 404


def test_steps_cannot_be_recorded_before_closing(lead, cycle):
    response = lead.post(cycle_url(cycle, "closure/steps/thanked/"), {"state": "done"})
    assert response.status_code == 302
    assert stored(cycle) == {}
    htmx = lead.get(cycle_url(cycle, "closure/steps/thanked/"), headers={"HX-Request": "true"})
    assert htmx["HX-Redirect"] == cycle_url(cycle, "closure/")


def test_recording_a_step_is_in_the_audit_trail(org, users, lead, cycle):
    make_closure(cycle)
    lead.post(cycle_url(cycle, "closure/steps/thanked/"), {"state": "done", "note": "A meal"})
    entry = (
        LogEntry.objects.filter(additional_data__organisation_id=org.pk)
        .filter(content_type__model="closureitem")
        .latest("timestamp")
    )
    assert entry.actor == users[Role.ENGAGEMENT_LEAD]
    assert entry.changes_dict["state"] == ["not_yet", "done"]


# The next iteration -----------------------------------------------------------------------


def start(org, cycle, by, title="Maternity 2027", **extra) -> Cycle:
    with scope(organisation=org.pk):
        return cycle_start_next_iteration(cycle=cycle, by=by, title=title, **extra)


@pytest.mark.parametrize("status", ["draft", "active"])
def test_an_active_or_draft_cycle_cannot_start_its_next_iteration(org, users, lead, status):
    cycle = make_cycle(org, "Still running", status=status)
    with pytest.raises(ValidationError, match="once this cycle is closing or closed"):
        start(org, cycle, users[Role.ENGAGEMENT_LEAD])
    page = lead.get(cycle_url(cycle, "next-iteration/")).content.decode()
    assert "Start its next iteration once it is closing or closed" in page
    response = lead.post(cycle_url(cycle, "next-iteration/"), {"title": "Too early"})
    assert response.status_code == 400
    assert "once this cycle is closing or closed" in response.content.decode()
    with scopes_disabled():
        assert not Cycle.objects.filter(previous_iteration=cycle).exists()


# Query counts -----------------------------------------------------------------------------


def count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def chain_of(org, users, n: int, prefix: str) -> list[Cycle]:
    """`n` closing cycles, each the next iteration of the one before, with the community
    lead and governance member on every one."""
    people = {
        "community_leads": (users[Role.COMMUNITY_LEAD],),
        "governance_members": (users[Role.GOVERNANCE],),
    }
    cycles = []
    for i in range(n):
        cycle = make_cycle(org, f"{prefix} {i + 1}", slug=f"{prefix}-{i + 1}", **people)
        if cycles:
            with scopes_disabled():
                Cycle.objects.filter(pk=cycle.pk).update(previous_iteration=cycles[-1])
        cycles.append(cycle)
    for cycle in cycles:
        make_closure(cycle, {"communicated": "done", "thanked": ("explained", "Asked not to")})
    return cycles


@pytest.mark.parametrize("role", [Role.ENGAGEMENT_LEAD, Role.COMMUNITY_LEAD])
def test_closure_pages_take_the_same_queries_for_a_long_chain(
    org, users, client_for, role, django_assert_max_num_queries
):
    client = client_for(users[role])
    (lone,) = chain_of(org, users, 1, "lone")
    pages = ["closure/"] + (["next-iteration/"] if role == Role.ENGAGEMENT_LEAD else [])
    small = {suffix: count(client, cycle_url(lone, suffix)) for suffix in pages}

    middle = chain_of(org, users, 5, "long")[2]
    # URLs first: building one reads the organisation, which the page must not be charged.
    urls = {suffix: cycle_url(middle, suffix) for suffix in pages}
    for suffix in pages:
        with django_assert_max_num_queries(small[suffix]):
            assert client.get(urls[suffix]).status_code == 200
