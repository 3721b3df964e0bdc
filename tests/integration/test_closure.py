"""Responsible closure composed with later stages: a published report-back shares the
learning and open actions keep the handover step open (each app's closure evidence), and
the closure checklist, the next-iteration page and the cycle page take as many queries with
a five-iteration chain and plenty of actions as with a lone cycle and one action."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from actions.models import ActionHandover
from actions.tests.builders import make_action, make_priority
from cycles.models import ClosureItemKey, Cycle
from cycles.selectors.closure import checklist_for, closure_responsible
from cycles.tests.builders import cycle_url, make_closure, make_cycle
from feedback.tests.builders import make_report_back
from t2a.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(client_for, users):
    return client_for(users[Role.ENGAGEMENT_LEAD])


KEYS = [key.value for key in ClosureItemKey]
ALL_DONE = dict.fromkeys(KEYS, "done")


def all_but(key: str, state: str = "not_yet") -> dict:
    return ALL_DONE | {key: state}


# What the data shows ----------------------------------------------------------------------


def test_a_published_report_back_counts_as_learning_shared(org, lead, cycle):
    make_closure(cycle, all_but("learning_shared"))
    make_report_back(cycle, "A draft that does not count")
    assert lead.post(cycle_url(cycle, "closure/close/")).status_code == 400
    make_report_back(cycle, "What changed in 2026", published_at=timezone.now())
    page = lead.get(cycle_url(cycle, "closure/")).content.decode()
    assert "What changed in 2026</a> published on" in page
    assert "A draft that does not count" not in page
    assert lead.post(cycle_url(cycle, "closure/close/")).status_code == 302


def test_open_actions_keep_the_handover_step_open(org, lead, cycle):
    make_closure(cycle, all_but("actions_handed_over"))
    make_action(cycle, "Evening clinic", status="done")
    make_action(cycle, "Somali leaflets", status="dropped", status_reason="Printed by the council")
    still_open = make_action(cycle, "Bus timetable", status="on_track")
    page = lead.get(cycle_url(cycle, "closure/")).content.decode()
    assert "Of 3 actions: 1 done, 1 dropped with a reason, <strong>1 still open</strong>" in page
    assert "Bus timetable</a>" in page
    # "Done" cannot be claimed while an action is open; an explanation can be given.
    url = cycle_url(cycle, "closure/steps/actions_handed_over/")
    refused = lead.post(url, {"state": "done"})
    assert refused.status_code == 400
    assert "1 action is still open." in refused.content.decode()
    assert lead.post(cycle_url(cycle, "closure/close/")).status_code == 400
    with scopes_disabled():
        still_open.status = "done"
        still_open.save()
    with scope(organisation=org.pk):
        assert checklist_for(cycle).item("actions_handed_over").state == "done"
    assert lead.post(cycle_url(cycle, "closure/close/")).status_code == 302


def test_an_open_action_can_be_explained_instead(lead, cycle):
    make_closure(cycle, all_but("actions_handed_over"))
    make_action(cycle, "Bus timetable", status="at_risk")
    url = cycle_url(cycle, "closure/steps/actions_handed_over/")
    note = "The bus company owns this now; it reports to the council."
    assert lead.post(url, {"state": "explained", "note": note}).status_code == 302
    assert lead.post(cycle_url(cycle, "closure/close/")).status_code == 302


def test_readiness_counts_closure_responsible_by_the_checklist_rules(org, users):
    active = make_cycle(org, title="Still active")
    unexplained = make_closure(make_cycle(org, title="Thanks not done"), all_but("thanked"))
    explained = make_closure(
        make_cycle(org, title="Thanks explained"), all_but("thanked", "explained")
    )
    by_data = make_closure(
        make_cycle(org, title="Shared by report-back"), all_but("learning_shared")
    )
    make_report_back(by_data, "What changed", published_at=timezone.now())
    reopened = make_closure(make_cycle(org, title="Action opened since"), ALL_DONE)
    make_action(reopened, "Bus timetable", status="on_track")
    closed = make_closure(make_cycle(org, title="Closed"), ALL_DONE, status="closed")
    cycles = [active, unexplained, explained, by_data, reopened, closed]

    with scope(organisation=org.pk):
        met = closure_responsible(cycles)
        for cycle in cycles:
            assert met[cycle.pk] == checklist_for(cycle).all_settled or cycle is active

    assert met == {
        active.pk: False,
        unexplained.pk: False,
        explained.pk: True,
        by_data.pk: True,
        reopened.pk: False,
        closed.pk: True,
    }


# Query counts -----------------------------------------------------------------------------


# Measured: the checklist page answers in this many queries, whatever the cycle holds
# (organisation, session, user, membership, the cycle, the five reads of the checklist
# and the count of unread notifications).
CHECKLIST_QUERIES = 11


def count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def chain_of(org, users, n: int, prefix: str) -> list[Cycle]:
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


def fill(cycle, next_cycle, n: int) -> None:
    """Actions in every state, some handed over, and published report-backs."""
    for i in range(n):
        priority = make_priority(cycle, f"Priority {i % 4}")
        make_action(cycle, f"Done {i}", priority=priority, status="done")
        make_action(cycle, f"Dropped {i}", priority=priority, status="dropped",
                    status_reason="No longer needed")  # fmt: skip
        make_action(cycle, f"Open {i}", priority=priority, status="on_track")
        handed = make_action(cycle, f"Handed {i}", priority=priority, status="at_risk")
        copy = make_action(next_cycle, f"Handed {i}", priority=make_priority(next_cycle))
        with scopes_disabled():
            ActionHandover.objects.create(
                organisation_id=cycle.organisation_id, cycle=cycle, next_cycle=next_cycle,
                action=handed, carried_to=copy,
            )  # fmt: skip
        make_report_back(cycle, f"Report-back {i}", published_at=timezone.now())


@pytest.mark.parametrize("role", [Role.ENGAGEMENT_LEAD, Role.COMMUNITY_LEAD])
def test_closure_and_cycle_pages_do_not_grow(org, users, client_for, role,
                                             django_assert_max_num_queries):  # fmt: skip
    client = client_for(users[role])
    (lone,) = chain_of(org, users, 1, "lone")
    make_action(lone, "One open action")
    small = {
        "checklist": count(client, cycle_url(lone, "closure/")),
        "home": count(client, cycle_url(lone)),
    }
    if role == Role.ENGAGEMENT_LEAD:
        small["next"] = count(client, cycle_url(lone, "next-iteration/"))
    assert small["checklist"] <= CHECKLIST_QUERIES

    chain = chain_of(org, users, 5, "long")
    middle = chain[2]
    fill(middle, chain[3], 15)
    # A community lead not on the first iteration sees it without its title.
    with scopes_disabled():
        chain[0].community_leads.clear()
    # URLs first: building one reads the organisation, which the page must not be charged.
    checklist_url, home_url = cycle_url(middle, "closure/"), cycle_url(middle)
    next_url = cycle_url(middle, "next-iteration/")
    with django_assert_max_num_queries(small["checklist"]):
        response = client.get(checklist_url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "<strong>15 still open</strong>" in page
    with django_assert_max_num_queries(small["home"]):
        response = client.get(home_url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Iteration 3 of 5" in page
    if role == Role.COMMUNITY_LEAD:
        assert "An iteration you are not part of" in page and "long 1<" not in page
    else:
        assert "long 1</a>" in page
        with django_assert_max_num_queries(small["next"]):
            assert client.get(next_url).status_code == 200
    print(f"\nquery counts for {role}: {small}")
