"""The closure checklist, the next-iteration page and the cycle page take as many queries
with a five-iteration chain and plenty of actions as with a lone cycle and one action."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scopes_disabled

from actions.tests.builders import make_action, make_priority
from cycles.models import ActionHandover, Cycle
from feedback.tests.builders import make_report_back
from t2a.models import Role

from .builders import make_closure, make_cycle
from .conftest import cycle_url

pytestmark = pytest.mark.django_db

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
                    dropped_reason="No longer needed")  # fmt: skip
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
        page = client.get(checklist_url).content.decode()
    assert "<strong>15 still open</strong>" in page
    with django_assert_max_num_queries(small["home"]):
        page = client.get(home_url).content.decode()
    assert "Iteration 3 of 5" in page
    if role == Role.COMMUNITY_LEAD:
        assert "An iteration you are not part of" in page and "long 1<" not in page
    else:
        assert "long 1</a>" in page
        with django_assert_max_num_queries(small["next"]):
            client.get(next_url)
    print(f"\nquery counts for {role}: {small}")
