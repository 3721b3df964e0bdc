"""The ethics log (views/ethics.py): its page, and adding and editing an entry. Staff
write; every role on the cycle reads; an entry of another cycle is 404."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scopes_disabled

from cycles.models import (
    CaseForChange,
    CaseForChangeRevision,
    Cycle,
    EthicsLogEntry,
    InequalityRow,
    StageTransition,
)
from cycles.tests.builders import cycle_url, fill_stage_one, make_cycle, make_ethics_entry
from t2a.models import Role
from tests.matrix import ALL_ROLES, STAFF, assert_role_matrix

pytestmark = pytest.mark.django_db

ETHICS = {
    "consideration": "Consent in a second language",
    "category": "consent",
    "likelihood": "2",
    "impact": "3",
    "status": "open",
}


def counts():
    with scopes_disabled():
        return (
            Cycle.objects.count(),
            CaseForChange.objects.count(),
            CaseForChangeRevision.objects.count(),
            InequalityRow.objects.count(),
            EthicsLogEntry.objects.count(),
            StageTransition.objects.count(),
        )


# Who may do what --------------------------------------------------------------------------


def test_outsiders_get_404(client_for, outsider, cycle):
    entry = make_ethics_entry(cycle)
    client = client_for(outsider)
    for suffix in ("ethics/", "ethics/new/", f"ethics/{entry.pk}/edit/"):
        assert client.get(cycle_url(cycle, suffix)).status_code == 404, suffix


def test_the_log_is_open_to_every_attached_role(client_for, users, cycle):
    assert_role_matrix(client_for, users, cycle_url(cycle, "ethics/"), get=ALL_ROLES)


def test_staff_add_and_edit_entries(client_for, users, cycle):
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
        page = client_for(users[role]).get(cycle_url(cycle, "ethics/")).content.decode()
        assert "Add an ethical consideration" not in page


@pytest.mark.parametrize("role", [Role.COMMUNITY_LEAD, Role.GOVERNANCE])
def test_members_not_attached_to_a_cycle_get_404(client_for, users, org, role):
    other = make_cycle(org, "Someone else's cycle")
    assert client_for(users[role]).get(cycle_url(other, "ethics/")).status_code == 404


def test_entries_of_another_cycle_are_404(client_for, users, org, cycle):
    other = make_cycle(org, "Other")
    entry = make_ethics_entry(other)
    client = client_for(users[Role.ADMIN])
    assert client.get(cycle_url(cycle, f"ethics/{entry.pk}/edit/")).status_code == 404
    with scopes_disabled():
        assert Cycle.objects.count() == 2


# Bad input --------------------------------------------------------------------------------


def test_likelihood_seven(lead, cycle):
    before = counts()
    data = {
        "consideration": "Consent",
        "category": "consent",
        "likelihood": "7",
        "impact": "3",
        "status": "open",
    }
    response = lead.post(cycle_url(cycle, "ethics/new/"), data)
    assert response.status_code == 400
    assert "Choose a likelihood from 1 to 5." in response.content.decode()
    assert counts() == before


# What the page does -----------------------------------------------------------------------


def test_ethics_log_sorted_by_risk_with_overdue_reviews(lead, cycle):
    today = timezone.localdate()
    make_ethics_entry(cycle, consideration="Low risk", likelihood=1, impact=2)
    make_ethics_entry(
        cycle,
        consideration="High risk",
        likelihood=5,
        impact=5,
        review_date=today - timedelta(days=1),
    )
    make_ethics_entry(
        cycle,
        consideration="Closed old",
        likelihood=2,
        impact=2,
        status="closed",
        review_date=today - timedelta(days=9),
    )
    page = lead.get(cycle_url(cycle, "ethics/")).content.decode()
    assert page.index("High risk") < page.index("Closed old") < page.index("Low risk")
    assert page.count("Review overdue</strong>") == 1 and "1 review overdue" in page


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
    url = cycle_url(cycle, "ethics/")
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200

    fill_stage_one(cycle, lead, 30)
    for n in range(5):
        fill_stage_one(make_cycle(org, f"Cycle {n}", **people), lead, 2)
    with django_assert_max_num_queries(len(small)):
        assert client.get(url).status_code == 200
