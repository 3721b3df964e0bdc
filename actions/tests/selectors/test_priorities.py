"""Reads for priorities: the insight a priority takes up (feedback's plug-in points
"feedback.insight_answered" and "feedback.insight_taken_up_by")."""

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from actions.models import PriorityInsight
from feedback.tests.builders import make_insight
from t2a.models import Role

from ..builders import make_priority

pytestmark = pytest.mark.django_db


def feedback_url(org, name: str, *args) -> str:
    return reverse(f"feedback:{name}", args=[org.slug, *args])


def test_an_insight_a_priority_takes_up_says_so(client_for, users, org, cycle):
    insight = make_insight(cycle, "Nobody explains the scan results.")
    for title in ("Being listened to", "Interpreters"):
        with scopes_disabled():
            PriorityInsight.objects.create(
                organisation=org, priority=make_priority(cycle, title), insight=insight
            )
    html = (
        client_for(users[Role.ENGAGEMENT_LEAD])
        .get(feedback_url(org, "insight_detail", insight.pk))
        .content.decode()
    )
    assert "Taken up by priorities: Being listened to, Interpreters" in html
