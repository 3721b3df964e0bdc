"""Listening works by itself: with no later stage answering feedback's plug-in points, the
pages and counts show only what feedback holds (actions' answers are tested in
actions/tests/forms/test_report_backs.py)."""

from datetime import timedelta

import pytest
from django.db.models import Q
from django.test import Client
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from feedback.models import ReportBack
from feedback.selectors import insight as insight_selectors
from feedback.selectors.insight import (
    INSIGHT_ANSWERED,
    INSIGHT_TAKEN_UP_BY,
    answered,
    insight_closure,
    insight_list,
    insights_visible_to,
    out_of_scope,
    unanswered,
)
from feedback.selectors.public_page import PUBLIC_PAGE_SECTIONS
from feedback.selectors.report_backs import REPORT_BACK_LINK
from feedback.services.themes import THEME_MERGED
from feedback.tests.builders import make_insight, make_public_page, make_report_back
from feedback.tests.conftest import url
from t2a.models import Membership, Role
from t2a.registry import Extension, registry
from tests.registry import only

pytestmark = pytest.mark.django_db

POINTS = (
    INSIGHT_ANSWERED,
    INSIGHT_TAKEN_UP_BY,
    REPORT_BACK_LINK,
    PUBLIC_PAGE_SECTIONS,
    THEME_MERGED,
)


@pytest.fixture
def alone(monkeypatch):
    """Nothing answers feedback's plug-in points."""
    only(monkeypatch, Extension, keep=lambda e: e.point not in POINTS)


def test_every_point_has_an_answer_when_the_apps_are_installed():
    for point in POINTS:
        assert registry.extensions(point), point


def test_the_public_page_shows_what_listening_holds(org, cycle, insight, alone):
    make_report_back(cycle, "What you told us", insights=[insight], published_at=timezone.now())
    make_public_page(cycle)
    html = Client().get(f"/p/{org.slug}/{cycle.slug}/").content.decode()
    assert "What you told us" in html and insight.summary in html
    assert '<a class="nhsuk-contents-list__link" href="#report-backs">' in html
    assert "What we agreed to work on" not in html and "We did" not in html


def test_a_report_back_is_written_without_any_we_did(client_for, users, org, cycle, insight, alone):
    lead = client_for(users[Role.ENGAGEMENT_LEAD])
    html = lead.get(url(org, "report_back_create", cycle.pk)).content.decode()
    assert 'name="insights"' in html and 'name="actions"' not in html
    response = lead.post(
        url(org, "report_back_create", cycle.pk),
        {"title": "T", "body": "B", "channels": ["letter"], "insights": [insight.pk]},
    )
    assert response.status_code == 302
    with scopes_disabled():
        report_back = ReportBack.objects.get()
    html = lead.get(url(org, "report_back_detail", report_back.pk)).content.decode()
    assert insight.summary in html and "No actions" not in html
    html = lead.get(url(org, "report_back_list", cycle.pk)).content.decode()
    assert "Actions reported" not in html and "T</a>" in html


def test_closure_counts_only_what_listening_records(org, cycle, users, alone):
    earlier = timezone.now() - timedelta(days=1)
    make_insight(cycle, "Answered", captured_at=earlier, answered_at=timezone.now())
    make_insight(cycle, "Out", out_of_scope_at=timezone.now(), out_of_scope_reason="National.")
    open_ = make_insight(cycle, "Open")
    with scope(organisation=org.pk):
        closure = insight_closure(cycle)[cycle.pk]
        assert (closure.total, closure.answered, closure.out_of_scope) == (3, 1, 1)
        found = insight_list(
            insights_visible_to(Membership.objects.get(user=users[Role.ADMIN])),
            closure="unanswered",
        )
        assert [(i.pk, i.taken_up) for i in found] == [(open_.pk, False)]


def test_the_closure_conditions_are_built_when_read(monkeypatch):
    """The conditions are functions, built each time they are read, so they always hold the
    answers registered by then; no module-level condition exists that could have been built
    before the apps were ready and so silently leave later stages out."""
    for condition in (answered, out_of_scope, unanswered):
        assert isinstance(condition(), Q)
    for name in ("ANSWERED", "OUT_OF_SCOPE", "UNANSWERED"):
        assert not hasattr(insight_selectors, name)
    with_later_stages = repr(answered())
    only(monkeypatch, Extension, keep=lambda e: e.point != INSIGHT_ANSWERED)
    assert repr(answered()) != with_later_stages
    assert repr(answered()) == repr(Q(answered_at__isnull=False) | insight_selectors.taken_up())
