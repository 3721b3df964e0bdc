"""The plan page's query count does not grow with the number of actions (10 → 1,000)."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from actions import services
from actions.models import Action, Escalation, ProgressUpdate
from t2a.models import Role

from .builders import make_plan, make_priority

pytestmark = pytest.mark.django_db

PLAN_PAGE_QUERIES = 25  # 21 measured at 10 and at 1,000 actions
SIGNOFF_PAGE_QUERIES = 22  # 18 measured


def fill(cycle, owners, n: int) -> None:
    plan = make_plan(cycle)
    priorities = [make_priority(cycle, f"Priority {i}") for i in range(5)]
    with scopes_disabled():
        actions = Action.objects.bulk_create(
            Action(
                organisation_id=cycle.organisation_id,
                plan=plan,
                priority=priorities[i % 5],
                title=f"Action {i}",
                owner=owners[i % len(owners)],
                partners="Northgate Buses\nFaith forum",
                start_date=date(2026, 1, 1),
                due_date=date(2026, 1, 1) + timedelta(days=i % 200),
                metric="Appointments",
                target="40",
                status=["on_track", "at_risk", "off_track", "not_started"][i % 4],
            )
            for i in range(n)
        )
        ProgressUpdate.objects.bulk_create(
            ProgressUpdate(
                organisation_id=cycle.organisation_id,
                action=a,
                status=a.status,
                narrative="Going well.",
                created_at=timezone.now() - timedelta(days=40),
            )
            for a in actions[::2]
        )
        Escalation.objects.bulk_create(
            Escalation(
                organisation_id=cycle.organisation_id,
                action=a,
                reason="Blocked",
                raised_at=timezone.now(),
            )
            for a in actions[::7]
        )


@pytest.mark.parametrize("n", [10, 1000])
def test_plan_page(client_for, users, org, cycle, n, django_assert_max_num_queries):
    fill(cycle, list(users.values()), n)
    with scope(organisation=org.pk):
        services.action_plan_send_for_signoff(cycle=cycle, by=users[Role.ENGAGEMENT_LEAD])
    client = client_for(users[Role.ENGAGEMENT_LEAD])
    url = f"/o/{org.slug}/actions/cycles/{cycle.pk}/plan/"
    with django_assert_max_num_queries(PLAN_PAGE_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('id="action-') == n
    with django_assert_max_num_queries(PLAN_PAGE_QUERIES):
        filtered = client.get(
            url, {"status": "at_risk", "overdue": "on"}, headers={"HX-Request": "true"}
        )
    assert filtered.status_code == 200


@pytest.mark.parametrize("n", [10, 1000])
def test_signoff_page(client_for, users, org, cycle, n, django_assert_max_num_queries):
    fill(cycle, list(users.values()), n)
    with scope(organisation=org.pk):
        services.action_plan_send_for_signoff(cycle=cycle, by=users[Role.ENGAGEMENT_LEAD])
    client = client_for(users[Role.COMMUNITY_LEAD])
    with django_assert_max_num_queries(SIGNOFF_PAGE_QUERIES):
        response = client.get(f"/o/{org.slug}/actions/cycles/{cycle.pk}/plan/sign-off/")
    assert response.status_code == 200


@pytest.mark.parametrize("n", [10, 1000])
def test_overview_and_escalations(client_for, users, org, cycle, n, django_assert_max_num_queries):
    fill(cycle, list(users.values()), n)
    with django_assert_max_num_queries(30):
        assert client_for(users[Role.ADMIN]).get(f"/o/{org.slug}/actions/").status_code == 200
    with django_assert_max_num_queries(30):
        page = client_for(users[Role.GOVERNANCE]).get(f"/o/{org.slug}/actions/escalations/")
    assert page.status_code == 200
