"""The governance dashboards: who may open them, what they show, decisions, query counts."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from actions.models import Action, Escalation, PlanStatus, ProgressUpdate
from cycles.tests.builders import make_cycle
from t2a.models import Role
from tests.matrix import assert_role_matrix

from ..builders import make_action, make_escalation, make_plan, make_priority, make_update

pytestmark = pytest.mark.django_db

GOVERNANCE_ROLES = {Role.ADMIN, Role.ENGAGEMENT_LEAD, Role.GOVERNANCE}


def org_url(org) -> str:
    return reverse("actions:governance", args=[org.slug])


def cycle_url(org, cycle) -> str:
    return reverse("actions:governance_cycle", args=[org.slug, cycle.pk])


@pytest.fixture
def delivering(cycle, users):
    make_plan(cycle, status=PlanStatus.IN_DELIVERY, signed_off_at=timezone.now(), version=1)
    return cycle


def overdue_action(cycle, owner, title="Evening clinic", days_since=40, cadence=28) -> Action:
    action = make_action(cycle, title, owner=owner, cadence_days=cadence)
    make_update(action, when=timezone.now() - timedelta(days=days_since))
    return action


def test_outsiders_get_404(client_for, outsider, org, cycle):
    assert client_for(outsider).get(org_url(org)).status_code == 404
    assert client_for(outsider).get(cycle_url(org, cycle)).status_code == 404


def test_the_permission_matrix(client_for, users, org, cycle):
    assert_role_matrix(client_for, users, org_url(org), get=GOVERNANCE_ROLES)
    assert_role_matrix(client_for, users, cycle_url(org, cycle), get=GOVERNANCE_ROLES)


def test_a_board_member_sees_only_the_cycles_they_sit_on(client_for, users, org, delivering):
    other = make_cycle(org, "Diabetes in Eastfield", slug="diabetes")
    make_plan(other, status=PlanStatus.IN_DELIVERY, signed_off_at=timezone.now())
    overdue_action(delivering, users[Role.COMMUNITY_LEAD], "Visible overdue action")
    overdue_action(other, users[Role.COMMUNITY_LEAD], "Hidden overdue action")
    board = client_for(users[Role.GOVERNANCE])
    page = board.get(org_url(org)).content.decode()
    assert "Visible overdue action" in page
    assert "Hidden overdue action" not in page
    assert board.get(cycle_url(org, other)).status_code == 404
    admin_page = client_for(users[Role.ADMIN]).get(org_url(org)).content.decode()
    assert "Hidden overdue action" in admin_page


def test_the_dashboard_shows_status_overdue_escalations_indicators_and_reports(
    client_for, users, org, delivering
):
    late = overdue_action(delivering, users[Role.COMMUNITY_LEAD], "Interpreters for scans")
    overdue_action(delivering, users[Role.COMMUNITY_LEAD], "Fresh action", days_since=3)
    make_escalation(late, reason="Interpreting needs £18,000 more a year")
    response = client_for(users[Role.GOVERNANCE]).get(cycle_url(org, delivering))
    assert response.status_code == 200
    page = response.content.decode()
    overdue = page[page.index('id="overdue-updates"') : page.index('id="trust-indicators"')]
    assert "Interpreters for scans" in overdue
    assert "Fresh action" not in overdue
    assert "Interpreting needs £18,000 more a year" in page
    assert "Record decision" in page
    for label in (
        "Feedback-loop latency",
        "Progress updates on time",
        "Promises kept",
        "Insight closure",
        "Meaningful conversations",
        "Reach",
    ):
        assert label in page
    assert page.count("<svg") >= 6
    assert "style=" not in page[page.index("<svg") :]
    assert "case for change and the annual evaluation" in page
    assert reverse("cycles:report_list", args=[org.slug, delivering.pk]) in page
    staff_page = client_for(users[Role.ENGAGEMENT_LEAD]).get(cycle_url(org, delivering))
    assert "Record decision" not in staff_page.content.decode()


def test_a_board_member_records_a_decision_from_the_dashboard(client_for, users, org, delivering):
    escalation = make_escalation(make_action(delivering, owner=users[Role.COMMUNITY_LEAD]))
    board = client_for(users[Role.GOVERNANCE])
    back = cycle_url(org, delivering) + "#escalations"
    url = reverse("actions:escalation_decide", args=[org.slug, escalation.pk])
    response = board.post(url, {"decision": "Fund it from the winter budget.", "next": back})
    assert response.status_code == 302
    assert response["Location"] == back
    with scopes_disabled():
        escalation.refresh_from_db()
    assert escalation.decision == "Fund it from the winter budget."
    assert escalation.decided_by == users[Role.GOVERNANCE]


@pytest.mark.parametrize("bad_next", ["https://evil.example.org/", "//evil.example.org/", "x"])
def test_a_decision_never_redirects_off_site(client_for, users, org, delivering, bad_next):
    escalation = make_escalation(make_action(delivering, owner=users[Role.COMMUNITY_LEAD]))
    url = reverse("actions:escalation_decide", args=[org.slug, escalation.pk])
    response = client_for(users[Role.GOVERNANCE]).post(
        url, {"decision": "Agreed.", "next": bad_next}
    )
    assert response["Location"] == reverse("actions:escalation_list", args=[org.slug])


def test_an_empty_decision_from_the_dashboard_shows_the_error_and_saves_nothing(
    client_for, users, org, delivering
):
    escalation = make_escalation(make_action(delivering, owner=users[Role.COMMUNITY_LEAD]))
    url = reverse("actions:escalation_decide", args=[org.slug, escalation.pk])
    back = cycle_url(org, delivering) + "#escalations"
    response = client_for(users[Role.GOVERNANCE]).post(url, {"decision": "  ", "next": back})
    assert response.status_code == 400
    page = response.content.decode()
    assert "<title>Error:" in page
    assert f'value="{back}"' in page  # the retry still goes back to the dashboard
    with scopes_disabled():
        escalation.refresh_from_db()
    assert escalation.decided_at is None


def test_ladder_escalations_are_labelled(client_for, users, org, delivering):
    action = overdue_action(delivering, users[Role.COMMUNITY_LEAD])
    with scopes_disabled():
        Escalation.objects.create(
            organisation=org,
            action=action,
            reason="No progress update for 42 days",
            raised_at=timezone.now(),
            update_due_on=date(2026, 3, 30),
        )
    page = client_for(users[Role.GOVERNANCE]).get(org_url(org)).content.decode()
    assert "Raised by T2A&#x27;s reminder ladder" in page
    assert "No progress update for 42 days" in page


def fill(cycle, owner, n: int) -> None:
    plan = make_plan(cycle, status=PlanStatus.IN_DELIVERY, signed_off_at=timezone.now())
    priorities = [make_priority(cycle, f"Priority {i}") for i in range(3)]
    with scopes_disabled():
        actions = Action.objects.bulk_create(
            Action(
                organisation_id=cycle.organisation_id,
                plan=plan,
                priority=priorities[i % 3],
                title=f"Action {i}",
                owner=owner,
                status=["on_track", "at_risk", "off_track", "not_started", "done"][i % 5],
                cadence_days=14 + i % 30,
            )
            for i in range(n)
        )
        ProgressUpdate.objects.bulk_create(
            ProgressUpdate(
                organisation_id=cycle.organisation_id,
                action=a,
                status=a.status,
                narrative="Going well.",
                created_at=timezone.now() - timedelta(days=10 + i % 90),
            )
            for i, a in enumerate(actions)
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


GOVERNANCE_QUERIES = 32
HOME_QUERIES = 40


@pytest.mark.parametrize("n", [10, 1000])
def test_query_counts_do_not_grow_with_actions(
    client_for, users, org, cycle, n, django_assert_max_num_queries
):
    fill(cycle, users[Role.COMMUNITY_LEAD], n)
    board = client_for(users[Role.GOVERNANCE])
    board.get(org_url(org))  # warm the session and content types
    with django_assert_max_num_queries(GOVERNANCE_QUERIES):
        assert board.get(org_url(org)).status_code == 200
    with django_assert_max_num_queries(GOVERNANCE_QUERIES):
        assert board.get(cycle_url(org, cycle)).status_code == 200
    with django_assert_max_num_queries(HOME_QUERIES):
        response = board.get(reverse("organisation_home", args=[org.slug]))
    assert response.status_code == 200
    assert "Trust indicators" in response.content.decode()
