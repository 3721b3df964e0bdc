"""Theme synthesis and merge; insight closure and the readiness measures built on it."""

import pytest
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from cycles.tests.builders import make_cycle
from feedback import readiness
from feedback.models import Insight, InsightTheme, Theme
from feedback.selectors import insight_closure
from feedback.services import insight_mark_answered
from stakeholders.tests.builders import make_stakeholder
from t2a.models import Role

from .builders import make_activity, make_insight, make_theme
from .conftest import url

pytestmark = pytest.mark.django_db


def test_merge_moves_every_insight_and_leaves_no_orphan(client_for, users, org, cycle):
    buses = make_theme(cycle, "Buses")
    transport = make_theme(cycle, "Transport")
    only_buses = [make_insight(cycle, f"Bus {n}", themes=[buses]) for n in range(3)]
    both = make_insight(cycle, "Bus and train", themes=[buses, transport])
    only_transport = make_insight(cycle, "Train", themes=[transport])

    response = client_for(users[Role.ENGAGEMENT_LEAD]).post(
        url(org, "theme_merge", buses.pk), {"target": transport.pk}, follow=True
    )
    assert "merged into" in response.content.decode()
    with scopes_disabled():
        assert not Theme.objects.filter(pk=buses.pk).exists()
        assert not InsightTheme.objects.filter(theme_id=buses.pk).exists()
        tagged = set(transport.insights.values_list("pk", flat=True))
        assert tagged == {i.pk for i in [*only_buses, both, only_transport]}
        # The insight that had both keeps a single link.
        assert InsightTheme.objects.filter(insight=both).count() == 1
        assert Insight.objects.count() == 5


def test_merge_refuses_a_theme_of_another_cycle(client_for, users, org, cycle):
    elsewhere = make_theme(make_cycle(org, "Other"), "Transport")
    source = make_theme(cycle, "Buses")
    make_insight(cycle, "Bus", themes=[source])
    response = client_for(users[Role.ADMIN]).post(
        url(org, "theme_merge", source.pk), {"target": elsewhere.pk}
    )
    assert response.status_code == 400
    assert "Choose one of this cycle" in response.content.decode()
    with scopes_disabled():
        assert Theme.objects.filter(pk=source.pk).exists()


def test_synthesis_shows_counts_activities_groups_and_insights(client_for, users, org, cycle):
    cafe = make_activity(cycle, "Café at the mosque")
    popup = make_activity(cycle, "Library pop-up")
    transport = make_theme(cycle, "Transport")
    make_theme(cycle, "Unused")
    make_insight(
        cycle, "Bus is late", activity=cafe, themes=[transport], population_group="Somali families"
    )
    make_insight(cycle, "No parking", activity=popup, themes=[transport])
    make_insight(cycle, "Taxi costs", themes=[transport], population_group="Black African women")
    make_insight(cycle, "Fourth one", themes=[transport])
    body = client_for(users[Role.GOVERNANCE]).get(url(org, "theme_list", cycle.pk))
    text = body.content.decode()
    assert "4 insights" in text
    assert "Café at the mosque" in text and "Library pop-up" in text
    assert "Black African women, Somali families" in text
    assert "Fourth one" in text and "Taxi costs" in text and "No parking" in text
    assert "Bus is late" not in text  # only the latest three per theme
    assert text.index("Transport") < text.index("Unused")


def test_closure_counts_answered_out_of_scope_and_unanswered(client_for, users, org, cycle):
    other = make_cycle(org, "Quiet cycle")
    answered = make_insight(cycle, "Answered")
    make_insight(cycle, "Open")
    make_insight(cycle, "Open too", sensitivity="sensitive")
    scoped_out = make_insight(cycle, "Not ours")
    client = client_for(users[Role.ENGAGEMENT_LEAD])
    client.post(
        url(org, "insight_closure", scoped_out.pk),
        {"action": "out_of_scope", "reason": "This is a national policy."},
    )
    with scope(organisation=org.pk):
        insight_mark_answered(insight=answered, note="Priority 1")
        closure = insight_closure([cycle, other])
    assert closure[cycle.pk].total == 4
    assert closure[cycle.pk].answered == 1
    assert closure[cycle.pk].out_of_scope == 1
    assert closure[cycle.pk].unanswered == 2
    assert closure[cycle.pk].unanswered_percent == 50
    assert closure[other.pk].total == 0 and closure[other.pk].unanswered_percent is None

    page = client.get(url(org, "cycle", cycle.pk)).content.decode()
    assert "50%" in page and "(2 of 4)" in page
    detail = client.get(url(org, "insight_detail", scoped_out.pk)).content.decode()
    assert "Out of scope" in detail and "This is a national policy." in detail


def test_out_of_scope_needs_a_reason(client_for, users, org, cycle, insight):
    response = client_for(users[Role.ADMIN]).post(
        url(org, "insight_closure", insight.pk), {"action": "out_of_scope", "reason": "  "}
    )
    assert response.status_code == 400
    assert "Say why this insight is out of scope" in response.content.decode()
    with scopes_disabled():
        insight.refresh_from_db()
    assert insight.out_of_scope_at is None


def test_reopening_makes_it_unanswered_again(client_for, users, org, cycle, insight):
    client = client_for(users[Role.ADMIN])
    client.post(url(org, "insight_closure", insight.pk), {"reason": "Not local."})
    client.post(url(org, "insight_closure", insight.pk), {"action": "reopen"})
    with scopes_disabled():
        insight.refresh_from_db()
    assert insight.closure_state == "unanswered" and insight.out_of_scope_reason == ""


def test_insight_list_filters_by_closure(client_for, users, org, cycle):
    make_insight(cycle, "Still open")
    make_insight(cycle, "Ruled out", out_of_scope_at=timezone.now(), out_of_scope_reason="National")
    client = client_for(users[Role.GOVERNANCE])
    body = client.get(
        url(org, "insight_list", cycle.pk) + "?closure=out_of_scope",
        headers={"HX-Request": "true"},
    ).content.decode()
    assert "Ruled out" in body and "Still open" not in body and "<html" not in body


def test_readiness_measures(org, cycle):
    quiet = make_cycle(org, "Quiet")
    planned_only = make_cycle(org, "Planned only")
    library = make_stakeholder(org, "Library", kind="place", trusted_place=True)
    make_activity(planned_only, status="planned", venue=library)
    make_activity(cycle, status="held", community_led=False)
    cycles = [cycle, quiet, planned_only]
    with scope(organisation=org.pk):
        assert readiness.listening_held(cycles) == {
            cycle.pk: False,
            quiet.pk: False,
            planned_only.pk: False,
        }
        assert readiness.listening_planned(cycles)[planned_only.pk] is True
        assert readiness.listening_planned(cycles)[cycle.pk] is False
        make_activity(cycle, "Community-led café", status="held", community_led=True)
        assert readiness.listening_held(cycles)[cycle.pk] is True
        assert readiness.insight_recorded(cycles)[cycle.pk] is False
        assert readiness.insight_linked(cycles)[cycle.pk] is False  # none yet
        open_one = make_insight(cycle)
        assert readiness.insight_recorded(cycles)[cycle.pk] is True
        assert readiness.insight_linked(cycles)[cycle.pk] is False
        insight_mark_answered(insight=open_one)
        assert readiness.insight_linked(cycles) == {
            cycle.pk: True,
            quiet.pk: False,
            planned_only.pk: False,
        }


def test_the_cycle_checklist_uses_the_listening_measures(org, cycle):
    from cycles.readiness import evaluate

    make_activity(cycle, status="held", community_led=True)
    with scope(organisation=org.pk):
        stage = evaluate(cycle, stages=[3])[3]  # stage 3, Listen
    states = {r.key: r.state for r in stage.results}
    assert states["listening_held"] == "met"
    assert states["insight_recorded"] == "unmet"


def test_the_cycle_panel_shows_listening_figures(org, cycle, users):
    from django.template.loader import render_to_string

    make_activity(cycle, status="held", community_led=True)
    make_activity(cycle, "Next café", status="planned")
    make_insight(cycle, "One")
    make_insight(cycle, "Two", out_of_scope_at=timezone.now(), out_of_scope_reason="National")
    with scope(organisation=org.pk):
        html = render_to_string("feedback/cycle_panel.html", {"cycle": cycle, "organisation": org})
    assert "1 activity held (1 community-led), 1 planned" in html
    assert "2 insights captured" in html
    assert "50% still unanswered (1 of 2)" in html


def _link(priority, insight) -> None:
    from actions.models import PriorityInsight

    with scopes_disabled():
        PriorityInsight.objects.create(
            organisation_id=priority.organisation_id, priority=priority, insight=insight
        )


def test_an_insight_linked_to_a_priority_counts_as_answered(client_for, users, org, cycle):
    from actions.tests.builders import make_priority

    linked = make_insight(cycle, "Linked to a priority")
    make_insight(cycle, "Still open")
    _link(make_priority(cycle, "Evening clinics"), linked)
    with scope(organisation=org.pk):
        closure = insight_closure(cycle)[cycle.pk]
        assert readiness.insight_linked([cycle])[cycle.pk] is False
    assert (closure.answered, closure.unanswered) == (1, 1)
    client = client_for(users[Role.GOVERNANCE])
    detail = client.get(url(org, "insight_detail", linked.pk)).content.decode()
    assert "Answered" in detail and "Taken up by the priority: Evening clinics" in detail
    answered = client.get(url(org, "insight_list", cycle.pk) + "?closure=answered")
    body = answered.content.decode()
    assert "Linked to a priority" in body and "Still open" not in body
    # Out of scope no longer applies to something a priority answers.
    response = client_for(users[Role.ADMIN]).post(
        url(org, "insight_closure", linked.pk), {"reason": "Not ours"}
    )
    assert response.status_code == 400


def test_merge_moves_priority_links_to_the_surviving_theme(client_for, users, org, cycle):
    from actions.tests.builders import make_priority

    buses = make_theme(cycle, "Buses")
    transport = make_theme(cycle, "Transport")
    only_buses = make_priority(cycle, "Cheaper travel")
    both = make_priority(cycle, "Parking")
    with scopes_disabled():
        only_buses.themes.add(buses)
        both.themes.add(buses, transport)
    client_for(users[Role.ADMIN]).post(url(org, "theme_merge", buses.pk), {"target": transport.pk})
    with scopes_disabled():
        assert list(only_buses.themes.all()) == [transport]
        assert list(both.themes.all()) == [transport]
        assert not Theme.priorities.through.objects.filter(theme_id=buses.pk).exists()
