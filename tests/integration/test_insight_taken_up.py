"""Listening and actions composed on insight: a priority that takes insight up answers it
(actions answers feedback's plug-in points "feedback.insight_answered" and
"feedback.insight_taken_up_by"), and merging themes carries the priorities drawn from them
("feedback.theme_merged")."""

import pytest
from django_scopes import scope, scopes_disabled

from actions.models import PriorityInsight
from actions.tests.builders import make_priority
from feedback.models import Theme
from feedback.selectors import readiness
from feedback.selectors.insight import insight_closure
from feedback.tests.builders import make_insight, make_theme
from feedback.tests.conftest import url
from t2a.models import Role

pytestmark = pytest.mark.django_db


def _link(priority, insight) -> None:
    with scopes_disabled():
        PriorityInsight.objects.create(
            organisation_id=priority.organisation_id, priority=priority, insight=insight
        )


def test_an_insight_linked_to_a_priority_counts_as_answered(client_for, users, org, cycle):
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
