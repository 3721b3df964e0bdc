"""Whole pages cached by `t2a.pagecache.page_cached` are served only to whoever the page
was drawn for: never to a member of another organisation, never to another person of the
same organisation, and never to someone taken off the cycle since.

Each test lets one person load the cached pages first, then checks that the next request
answers exactly as it would with nothing cached (status and page).
"""

import re
from datetime import date

import pytest
from django.core.cache import cache
from django.urls import reverse
from django_scopes import scope

from actions.tests.builders import make_action, make_escalation
from cycles.models import Cycle
from cycles.services.cycles import cycle_update
from feedback.tests.builders import make_activity, make_insight
from stakeholders.tests.builders import link, make_stakeholder
from t2a.models import Role

pytestmark = pytest.mark.django_db

# Differ on every request whatever the data: the CSP nonce and the CSRF token.
PER_REQUEST = re.compile(r'(nonce|value|content)="[A-Za-z0-9+/=_-]{20,}"')

# The cached pages, as (url name, takes the cycle).
CACHED_PAGES = [
    ("organisation_home", False),
    ("cycles:cycle_list", False),
    ("cycles:cycle_detail", True),
    ("cycles:case_for_change", True),
    ("stakeholders:stakeholder_list", False),
    ("stakeholders:cycle_grid", True),
    ("feedback:cycle", True),
    ("feedback:insight_list", True),
    ("actions:plan_detail", True),
    ("actions:governance", False),
    ("actions:governance_cycle", True),
]
CYCLE_PAGES = [name for name, on_cycle in CACHED_PAGES if on_cycle]


def url(name: str, slug: str, cycle=None) -> str:
    return reverse(name, args=[slug] if cycle is None else [slug, cycle.pk])


def page_url(name: str, org, cycle) -> str:
    return url(name, org.slug, cycle if dict(CACHED_PAGES)[name] else None)


def answer(client, address: str) -> tuple[int, str]:
    response = client.get(address)
    return response.status_code, PER_REQUEST.sub("", response.content.decode())


@pytest.fixture
def full_cycle(cycle, users, org):
    """The cycle with something on each of its pages."""
    make_stakeholder(org, "Hodan Warsame")
    link(make_stakeholder(org, "Bilan Yusuf", influence=5, interest=5), cycle)
    make_activity(cycle, facilitators=[users[Role.COMMUNITY_LEAD]])
    make_insight(cycle)
    action = make_action(cycle, owner=users[Role.ENGAGEMENT_LEAD], due_date=date(2099, 1, 1))
    make_escalation(action, raised_by=users[Role.ENGAGEMENT_LEAD])
    return cycle


@pytest.mark.parametrize("name", [name for name, _ in CACHED_PAGES])
def test_each_role_gets_its_own_page(name, client_for, users, full_cycle, org):
    """Every role loads the page in turn, each after the others, twice: each answer is the
    one that person gets with nothing cached (their name is in every page's header, so a
    page served to the wrong person always shows)."""
    address = page_url(name, org, full_cycle)
    clients = {role: client_for(user) for role, user in users.items()}
    uncached = {}
    for role, client in clients.items():
        cache.clear()
        uncached[role] = answer(client, address)
    cache.clear()
    for _ in range(2):
        for role, client in clients.items():
            assert answer(client, address) == uncached[role], f"{role} got another's page"
    shown = [page for status, page in uncached.values() if status == 200]
    assert len(set(shown)) == len(shown), "two people drew the same page"


@pytest.mark.parametrize("name", [name for name, _ in CACHED_PAGES])
def test_a_member_of_another_organisation_gets_not_found(
    name, client_for, users, full_cycle, org, outsider, other_org
):
    """After a member has the page cached, an admin of another organisation asking for it
    (under either organisation's address) finds nothing."""
    member = client_for(users[Role.ADMIN])
    address = page_url(name, org, full_cycle)
    assert answer(member, address)[0] == 200
    assert answer(member, address)[0] == 200  # served from the cache now
    stranger = client_for(outsider)
    assert stranger.get(address).status_code == 404
    if dict(CACHED_PAGES)[name]:
        # Their own organisation's address with this organisation's cycle.
        assert stranger.get(page_url(name, other_org, full_cycle)).status_code == 404


def take_off_the_cycle(cycle, *, community_leads=None, governance_members=None):
    """What the cycle's edit form saves when a person is unticked."""
    with scope(organisation=cycle.organisation_id):
        fresh = Cycle.objects.get(pk=cycle.pk)
        cycle_update(
            cycle=fresh,
            fields={},
            community_leads=list(fresh.community_leads.all())
            if community_leads is None
            else community_leads,
            governance_members=list(fresh.governance_members.all())
            if governance_members is None
            else governance_members,
        )


def test_a_community_lead_taken_off_the_cycle_loses_its_pages_at_once(
    client_for, users, full_cycle, org
):
    client = client_for(users[Role.COMMUNITY_LEAD])
    addresses = [page_url(name, org, full_cycle) for name in CYCLE_PAGES]
    seen = {}
    for address in addresses:
        seen[address] = answer(client, address)
        assert answer(client, address) == seen[address]  # served from the cache now
    assert seen[page_url("cycles:cycle_detail", org, full_cycle)][0] == 200
    take_off_the_cycle(full_cycle, community_leads=[])
    for address in addresses:
        now = answer(client, address)
        cache.clear()
        assert now == answer(client, address), f"{address} answered from a stale copy"
        if seen[address][0] == 200:
            assert now[0] in (403, 404), f"{address} still shows the cycle"


def test_a_board_member_taken_off_the_cycle_loses_its_pages_at_once(
    client_for, users, full_cycle, org
):
    client = client_for(users[Role.GOVERNANCE])
    addresses = [page_url(name, org, full_cycle) for name in CYCLE_PAGES]
    governance = page_url("actions:governance", org, full_cycle)
    for address in [*addresses, governance]:
        assert answer(client, address)[0] in (200, 403)
        answer(client, address)  # served from the cache now
    before = answer(client, governance)
    take_off_the_cycle(full_cycle, governance_members=[])
    for address in addresses:
        now = answer(client, address)
        cache.clear()
        assert now == answer(client, address), f"{address} answered from a stale copy"
        assert now[0] in (403, 404), f"{address} still shows the cycle"
    # The organisation's dashboard no longer adds this cycle up for them.
    after = answer(client, governance)
    assert after != before
    cache.clear()
    assert after == answer(client, governance)
