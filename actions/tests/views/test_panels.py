"""The actions app's panels on pages other apps own: the cycle page's plan summary, and the
organisation home's plans and trust indicators."""

import pytest
from django.urls import reverse
from django_scopes import scope

from actions.models import PlanStatus
from actions.services.signoff import action_plan_send_for_signoff
from t2a.models import Role

from ..builders import make_action, make_escalation, make_plan

pytestmark = pytest.mark.django_db

HOME_QUERIES = 40


def home(org) -> str:
    return reverse("organisation_home", args=[org.slug])


def test_outsiders_see_neither_page(client_for, org, cycle, outsider):
    make_action(cycle)
    client = client_for(outsider)
    assert client.get(reverse("cycles:cycle_detail", args=[org.slug, cycle.pk])).status_code == 404
    assert client.get(home(org)).status_code == 404


def test_the_cycle_page_shows_the_plan_and_its_approvals(client_for, users, org, cycle):
    page = reverse("cycles:cycle_detail", args=[org.slug, cycle.pk])
    client = client_for(users[Role.COMMUNITY_LEAD])
    response = client.get(page)
    assert response.status_code == 200
    assert "No action plan yet." in response.text
    make_action(cycle)
    make_action(cycle, "Interpreters")
    with scope(organisation=org.pk):
        action_plan_send_for_signoff(cycle=cycle, by=users[Role.ENGAGEMENT_LEAD])
    html = client.get(page).text
    assert "Awaiting community sign-off" in html and "Version 1." in html
    assert "2 actions." in html
    assert "0 of 1 approval needed so far." in html


def test_the_home_page_counts_plans_and_escalations_by_role(client_for, users, org, cycle):
    make_plan(cycle, status=PlanStatus.AWAITING_SIGNOFF)
    make_escalation(make_action(cycle))
    board = client_for(users[Role.GOVERNANCE]).get(home(org))
    assert board.status_code == 200
    assert "1 plan: 1 waiting for community sign-off, 0 signed off or in delivery." in board.text
    assert "1 escalation waiting for a governance decision." in board.text
    assert "Trust indicators" in board.text
    lead = client_for(users[Role.COMMUNITY_LEAD]).get(home(org))
    assert lead.status_code == 200
    assert "1 plan: 1 waiting for community sign-off" in lead.text
    assert "escalation waiting" not in lead.text
    assert "Trust indicators" not in lead.text


@pytest.mark.parametrize("n", [1, 30])
def test_the_home_panels_take_a_fixed_number_of_queries(
    client_for, users, org, cycle, n, django_assert_max_num_queries
):
    for i in range(n):
        make_escalation(make_action(cycle, f"Action {i}"))
    client = client_for(users[Role.ADMIN])
    client.get(home(org))
    with django_assert_max_num_queries(HOME_QUERIES):
        response = client.get(home(org))
    assert response.status_code == 200
