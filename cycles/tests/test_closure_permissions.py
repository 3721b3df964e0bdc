"""Permission matrix for closure and the next iteration: admins and engagement leads do
everything; community leads and governance members on the cycle read the checklist and
change nothing; those not on the cycle get 404."""

import pytest
from django_scopes import scopes_disabled

from cycles.models import ClosureItem, Cycle
from t2a.models import Role
from tests.matrix import ALL_ROLES, STAFF, assert_role_matrix

from .builders import make_closure, make_cycle
from .conftest import cycle_url

pytestmark = pytest.mark.django_db

ALL_DONE = dict.fromkeys(
    ["communicated", "learning_shared", "thanked", "transition", "actions_handed_over"], "done"
)


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
