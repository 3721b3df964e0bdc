"""The listening pages make the same number of queries for 10 insights as for 5,000."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scopes_disabled

from feedback.models import Insight, InsightTheme
from t2a.models import Role

from .builders import make_activity, make_theme
from .conftest import url

pytestmark = pytest.mark.django_db

# Measured, then written down: a change that adds a per-row query breaks these.
LIMITS = {
    "insight_list": 10,
    "insight_list_htmx": 8,
    "theme_list": 9,
    "cycle": 11,
    "home": 7,
    "activity_detail": 10,
}


def grow(cycle, activities, themes, total: int, users) -> None:
    """Bring the cycle up to `total` insights, spread over activities, themes and groups."""
    with scopes_disabled():
        have = Insight.objects.filter(cycle=cycle).count()
        now = timezone.now()
        insights = Insight.objects.bulk_create(
            Insight(
                organisation_id=cycle.organisation_id,
                cycle=cycle,
                activity=activities[n % len(activities)],
                summary=f"Insight number {n}",
                population_group=cycle.population_groups[n % 2],
                sensitivity="sensitive" if n % 10 == 5 else "normal",
                captured_at=now - timedelta(minutes=n),
                captured_by=users[Role.COMMUNITY_LEAD],
            )
            for n in range(have, total)
        )
        InsightTheme.objects.bulk_create(
            InsightTheme(
                organisation_id=cycle.organisation_id,
                insight=insight,
                theme=themes[(i + k) % len(themes)],
            )
            for i, insight in enumerate(insights)
            for k in range(2)
        )


def pages(org, cycle, activity, theme):
    return {
        "insight_list": (url(org, "insight_list", cycle.pk) + f"?theme={theme.pk}", {}),
        "insight_list_htmx": (
            url(org, "insight_list", cycle.pk) + "?closure=unanswered",
            {"HX-Request": "true"},
        ),
        "theme_list": (url(org, "theme_list", cycle.pk), {}),
        "cycle": (url(org, "cycle", cycle.pk), {}),
        "home": (url(org, "home"), {}),
        "activity_detail": (url(org, "activity_detail", activity.pk), {}),
    }


def count(client, path, headers) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, headers=headers)
    assert response.status_code == 200, path
    return len(queries)


@pytest.mark.parametrize("role", [Role.ENGAGEMENT_LEAD, Role.COMMUNITY_LEAD])
def test_query_counts_do_not_grow_with_insight(
    role, client_for, users, org, cycle, django_assert_max_num_queries
):
    activities = [
        make_activity(cycle, f"Activity {n}", held_on=date(2026, 2, 1 + n)) for n in range(6)
    ]
    themes = [make_theme(cycle, f"Theme {n}") for n in range(12)]
    client = client_for(users[role])
    targets = pages(org, cycle, activities[0], themes[0])

    grow(cycle, activities, themes, 10, users)
    small = {name: count(client, *target) for name, target in targets.items()}

    grow(cycle, activities, themes, 5000, users)
    for name, (path, headers) in targets.items():
        with django_assert_max_num_queries(LIMITS[name]):
            large = count(client, path, headers)
        assert large == small[name], f"{name}: {small[name]} queries for 10, {large} for 5,000"
