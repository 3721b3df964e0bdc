"""Priorities (links, ranking, the agreed set, insight closure) and escalations."""

from datetime import date

import pytest
from django_scopes import scope, scopes_disabled

from actions import selectors, services
from actions.models import Escalation, Priority
from cycles import readiness
from feedback.selectors import insight_closure
from feedback.tests.builders import make_insight, make_theme
from t2a.models import Notification, Role

from .builders import make_action, make_escalation, make_priority

pytestmark = pytest.mark.django_db


def test_creating_a_priority_links_themes_and_answers_insight(client_for, users, org, cycle):
    theme = make_theme(cycle, "Appointment times")
    linked = make_insight(cycle, "Evening clinics would help.")
    make_insight(cycle, "Not linked.")
    out = make_insight(cycle, "Out of scope one.")
    with scopes_disabled():
        out.out_of_scope_at, out.out_of_scope_reason = out.captured_at, "National policy"
        out.save()
        before = insight_closure(cycle)[cycle.pk]
    assert (before.answered, before.out_of_scope, before.unanswered) == (0, 1, 2)

    response = client_for(users[Role.ENGAGEMENT_LEAD]).post(
        f"/o/{org.slug}/actions/cycles/{cycle.pk}/priorities/new/",
        {"title": "Appointments that fit working lives", "themes": [theme.pk],
         "insights": [linked.pk]},
    )  # fmt: skip
    assert response.status_code == 302
    with scopes_disabled():
        priority = Priority.objects.get()
        assert list(priority.themes.all()) == [theme]
        assert list(priority.insights.all()) == [linked]
        after = insight_closure(cycle)[cycle.pk]
    assert (after.answered, after.out_of_scope, after.unanswered) == (1, 1, 1)


def test_insight_of_another_cycle_cannot_be_linked(client_for, users, org, cycle):
    from cycles.tests.builders import make_cycle

    foreign = make_insight(make_cycle(org, "Other"), "Elsewhere")
    response = client_for(users[Role.ENGAGEMENT_LEAD]).post(
        f"/o/{org.slug}/actions/cycles/{cycle.pk}/priorities/new/",
        {"title": "A priority", "insights": [foreign.pk]},
    )
    assert response.status_code == 400
    with scopes_disabled():
        assert not Priority.objects.exists()


def test_combined_ranking_counts_each_leads_order(org, cycle, users, second_lead, client_for):
    a, b, c = (make_priority(cycle, t) for t in ("Access", "Buses", "Childcare"))
    with scope(organisation=org.pk):
        services.priority_rank(cycle=cycle, lead=users[Role.COMMUNITY_LEAD], order=[b, a, c])
        services.priority_rank(cycle=cycle, lead=second_lead, order=[b, c, a])
        ranked, leads = selectors.combined_ranking(cycle=cycle)
    assert leads == 2
    assert [(r.priority.title, r.points, r.ranked_by) for r in ranked] == [
        ("Buses", 6, 2), ("Access", 3, 2), ("Childcare", 3, 2),
    ]  # fmt: skip
    page = client_for(users[Role.GOVERNANCE]).get(
        f"/o/{org.slug}/actions/cycles/{cycle.pk}/priorities/"
    )
    assert "Ranked by 2 of 2 community leads." in page.content.decode()


def test_ranking_again_replaces_the_leads_order(org, cycle, users, client_for):
    a, b = make_priority(cycle, "Access"), make_priority(cycle, "Buses")
    client = client_for(users[Role.COMMUNITY_LEAD])
    url = f"/o/{org.slug}/actions/cycles/{cycle.pk}/priorities/rank/"
    client.post(url, {f"position_{a.pk}": "1", f"position_{b.pk}": "2"})
    response = client.post(url, {f"position_{a.pk}": "2", f"position_{b.pk}": "1"})
    assert response.status_code == 302
    with scope(organisation=org.pk):
        assert selectors.lead_ranking(cycle=cycle, lead=users[Role.COMMUNITY_LEAD]) == {
            a.pk: 2, b.pk: 1,
        }  # fmt: skip


def test_the_agreed_set_is_recorded_with_its_date(org, cycle, users):
    a, b = make_priority(cycle, "Access"), make_priority(cycle, "Buses")
    with scope(organisation=org.pk):
        services.priorities_agree(
            cycle=cycle, by=users[Role.ENGAGEMENT_LEAD], priorities=[a], agreed_on=date(2026, 2, 3)
        )
        services.priorities_agree(
            cycle=cycle, by=users[Role.ENGAGEMENT_LEAD], priorities=[b], agreed_on=date(2026, 2, 9)
        )
    with scopes_disabled():
        agreed = {p.title: p.agreed_on for p in Priority.objects.all()}
    assert agreed == {"Access": None, "Buses": date(2026, 2, 9)}


def test_readiness_item_is_wired_into_the_cycle_checklist(org, cycle):
    make_action(cycle)
    with scope(organisation=org.pk):
        stage4 = readiness.evaluate(cycle, stages=[4])[4]  # Co-production and action
    item = next(r for r in stage4.results if r.key == "action_plan_signed_off")
    assert item.met is False


def test_escalation_raised_notifies_governance_and_the_decision_shows_on_the_action(
    client_for, users, org, cycle
):
    action = make_action(cycle, owner=users[Role.COMMUNITY_LEAD])
    response = client_for(users[Role.COMMUNITY_LEAD]).post(
        f"/o/{org.slug}/actions/action/{action.pk}/escalate/",
        {"reason": "The trust will not fund evening interpreters."},
    )
    assert response.status_code == 302
    with scopes_disabled():
        escalation = Escalation.objects.get()
        assert escalation.raised_by == users[Role.COMMUNITY_LEAD]
        assert escalation.raised_at is not None
        assert Notification.objects.filter(
            kind="escalation_raised", recipient=users[Role.GOVERNANCE]
        ).exists()
    governance = client_for(users[Role.GOVERNANCE])
    decide = f"/o/{org.slug}/actions/escalations/{escalation.pk}/decide/"
    assert governance.post(decide, {"decision": ""}).status_code == 400
    assert governance.post(decide, {"decision": "Fund it from the ICB budget."}).status_code == 302
    with scopes_disabled():
        escalation.refresh_from_db()
    assert escalation.decided_by == users[Role.GOVERNANCE] and escalation.decided_at
    page = client_for(users[Role.COMMUNITY_LEAD]).get(f"/o/{org.slug}/actions/action/{action.pk}/")
    assert "Fund it from the ICB budget." in page.content.decode()
    again = governance.post(decide, {"decision": "Something else"})
    assert again.status_code == 400
    assert "already been recorded" in again.content.decode()


def test_overdue_updates_follow_each_actions_cadence(org, cycle, users):
    from datetime import timedelta

    from django.utils import timezone

    from .builders import make_plan, make_update

    plan = make_plan(cycle, status="in_delivery", signed_off_at=timezone.now() - timedelta(60))
    quiet = make_action(cycle, "Quiet", start_date=None, cadence_days=28)
    fresh = make_action(cycle, "Fresh", start_date=None, cadence_days=28)
    make_update(fresh, when=timezone.now() - timedelta(days=3))
    done = make_action(cycle, "Done", start_date=None, status="done")
    with scopes_disabled():
        from actions.models import Action

        Action.objects.filter(pk__in=[quiet.pk, fresh.pk, done.pk]).update(
            created_at=timezone.now() - timedelta(days=90)
        )
        plan.refresh_from_db()
        _, overdue = selectors.plan_table(plan)
    assert [a.title for a in overdue] == ["Quiet"]


def test_escalation_can_be_listed_by_staff(client_for, users, org, cycle):
    make_escalation(make_action(cycle), reason="Needs money")
    page = client_for(users[Role.ENGAGEMENT_LEAD]).get(f"/o/{org.slug}/actions/escalations/")
    assert "Needs money" in page.content.decode()
