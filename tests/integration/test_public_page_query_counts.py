"""Listening and actions composed: the public page and the report-back pages make the same
number of queries for 10 actions as for 1,000 (and for a handful of report-backs as for many)."""

from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scopes_disabled

from actions.models import Action, ProgressUpdate
from actions.tests.builders import make_plan, make_priority, make_signed_off
from feedback.tests.builders import make_insight, make_public_page, make_report_back, make_theme
from feedback.tests.conftest import url
from t2a.models import Role

pytestmark = pytest.mark.django_db

# Measured, then written down: a change that adds a per-row query breaks these.
PUBLIC_PAGE = 10  # including the tenant middleware's organisation lookup
LIMITS = {"report_back_list": 8, "report_back_detail": 12, "report_back_edit": 18}


def grow(cycle, total: int) -> None:
    """Bring the cycle up to `total` actions, each with a public and an internal update,
    and one published report-back per 50 actions reporting some of them."""
    priorities = [make_priority(cycle, f"Priority {n}") for n in range(5)]
    plan = make_plan(cycle, status="in_delivery", signed_off_at=timezone.now())
    theme = make_theme(cycle, "Transport")
    with scopes_disabled():
        have = Action.objects.filter(plan=plan).count()
        actions = Action.objects.bulk_create(
            Action(
                organisation_id=cycle.organisation_id,
                plan=plan,
                priority=priorities[n % 5],
                title=f"Action {n}",
                due_date=date(2026, 6, 1),
                status="on_track",
                in_scope=n % 10 != 0,
                out_of_scope_reason="" if n % 10 else "A national decision.",
            )
            for n in range(have, total)
        )
        now = timezone.now()
        updates = ProgressUpdate.objects.bulk_create(
            ProgressUpdate(
                organisation_id=cycle.organisation_id,
                action=action,
                status="on_track",
                narrative=f"{'Public' if public else 'Internal'} update {i}",
                public=public,
                created_at=now - timedelta(days=2 if public else 1),
            )
            for i, action in enumerate(actions)
            for public in (True, False)
        )
    public_updates = [u for u in updates if u.public]
    for start in range(0, len(actions), 50):
        insights = [make_insight(cycle, f"Insight {start}-{k}") for k in range(3)]
        make_report_back(
            cycle,
            f"Report-back on {actions[start].title}",
            insights=insights,
            themes=[theme],
            actions=actions[start : start + 10],
            progress_updates=public_updates[start : start + 10],
            published_at=now,
        )
    make_signed_off(cycle)


def count(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(queries)


def test_public_page_queries_do_not_grow_with_actions(org, cycle, django_assert_max_num_queries):
    make_public_page(cycle)
    client = Client()
    path = f"/p/{org.slug}/{cycle.slug}/"

    grow(cycle, 10)
    cache.clear()
    small = count(client, path)
    assert "Action 9" in client.get(path).content.decode()

    grow(cycle, 1000)
    cache.clear()
    with django_assert_max_num_queries(PUBLIC_PAGE):
        large = count(client, path)
    assert large == small, f"{small} queries for 10 actions, {large} for 1,000"
    html = client.get(path).content.decode()
    assert "Action 999" in html and "Report-back on Action 960" in html
    assert "Internal update" not in html


def test_report_back_pages_do_not_grow(
    org, cycle, users, client_for, django_assert_max_num_queries
):
    client = client_for(users[Role.ENGAGEMENT_LEAD])
    grow(cycle, 10)
    with scopes_disabled():
        report_back = cycle.report_backs.first()
    pages = {
        "report_back_list": url(org, "report_back_list", cycle.pk),
        "report_back_detail": url(org, "report_back_detail", report_back.pk),
        "report_back_edit": url(org, "report_back_edit", report_back.pk),
    }
    small = {name: count(client, path) for name, path in pages.items()}
    grow(cycle, 1000)
    for name, path in pages.items():
        with django_assert_max_num_queries(LIMITS[name]):
            large = count(client, path)
        assert large == small[name], f"{name}: {small[name]} queries small, {large} large"
