"""Fuzz the two main listening forms: any input gives a page or a clear error, never a 500,
and a refused save writes nothing."""

import pytest
from django.test import Client
from django_scopes import scopes_disabled
from hypothesis import given
from hypothesis import strategies as st

from feedback.models import EngagementActivity, Insight, InsightTheme, Theme
from t2a.models import Role
from tests.fuzzing import fuzz_settings

from .conftest import url

pytestmark = pytest.mark.django_db

text = st.text(max_size=300) | st.sampled_from(["", "-3", "0", "99999999999", "2026-02-30"])
FUZZ = fuzz_settings(40)


def counts():
    with scopes_disabled():
        return (
            Insight.objects.count(),
            Theme.objects.count(),
            InsightTheme.objects.count(),
            EngagementActivity.objects.count(),
        )


@FUZZ
@given(
    summary=text,
    quote=text,
    themes=text,
    population_group=text,
    contributor_name=text,
    credit_consent=st.sampled_from(["", "on"]),
    activity_value=text,
)
def test_insight_capture_never_fails(users, org, cycle, activity, client_for, **fields):
    client: Client = client_for(users[Role.COMMUNITY_LEAD])
    data = {k: v for k, v in fields.items() if k != "activity_value"}
    data["activity"] = fields["activity_value"] or str(activity.pk)
    before = counts()
    response = client.post(url(org, "insight_create", cycle.pk), data)
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert counts() == before


@FUZZ
@given(
    title=text,
    method=st.sampled_from(["pop_up", "online", "nonsense", ""]),
    held_on=text,
    starts_at=text,
    status=st.sampled_from(["planned", "held", "cancelled", "bogus"]),
    participants=text,
    reach_0=text,
    reach_1=text,
    venue_text=text,
)
def test_activity_form_never_fails(users, org, cycle, client_for, **data):
    client: Client = client_for(users[Role.ADMIN])
    before = counts()
    response = client.post(url(org, "activity_create", cycle.pk), data)
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert counts() == before


def report_back_count() -> int:
    from feedback.models import ReportBack

    with scopes_disabled():
        return ReportBack.objects.count()


@FUZZ
@given(
    title=text,
    body=text,
    channels=st.lists(st.sampled_from(["letter", "other", "website", "fax", ""]), max_size=3),
    other_channel=text,
    audience=text,
    insights=st.lists(text, max_size=2),
    actions=st.lists(text, max_size=2),
)
def test_report_back_form_never_fails(users, org, cycle, insight, client_for, **data):
    client: Client = client_for(users[Role.ENGAGEMENT_LEAD])
    before = report_back_count()
    response = client.post(url(org, "report_back_create", cycle.pk), data)
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert report_back_count() == before


@FUZZ
@given(summary=text, how_to_get_involved=text, enabled=st.sampled_from(["", "on", "x"]))
def test_public_page_form_and_reading_ease_never_fail(users, org, cycle, client_for, **data):
    client: Client = client_for(users[Role.ENGAGEMENT_LEAD])
    response = client.post(url(org, "public_page_settings", cycle.pk), data)
    assert response.status_code in (302, 400)
    for field in ("summary", "how_to_get_involved"):
        response = client.post(url(org, "reading_ease"), {"field": field, field: data[field]})
        assert response.status_code == 200
