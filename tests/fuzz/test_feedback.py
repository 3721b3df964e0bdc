"""Fuzz the listening forms and the public trust-pulse form: any input gives a page or a
clear error, never a 500, and a refused save writes nothing."""

import pytest
from django.test import Client
from django_scopes import scopes_disabled
from hypothesis import given
from hypothesis import strategies as st

from feedback.models import (
    PULSE_FIELDS,
    EngagementActivity,
    Insight,
    InsightTheme,
    PulseResponse,
    ReportBack,
    Theme,
)
from feedback.tests.builders import make_activity, make_insight, make_pulse_survey
from feedback.tests.conftest import url
from t2a.models import Role
from t2a.text import clean_text
from tests.fuzzing import fuzz_settings, tricky_text

pytestmark = pytest.mark.django_db

text = (
    st.text(max_size=300)
    | st.sampled_from(["", "-3", "0", "99999999999", "2026-02-30"])
    | tricky_text
)
rating = st.one_of(
    st.sampled_from(["1", "2", "3", "4", "5"]),
    st.sampled_from(["", "0", "6", "-1", "3.0", " 4", "1e1", "٣", "99999999999999999999"]),
    st.text(max_size=20),
    st.none(),
)
FUZZ = fuzz_settings(40)


@pytest.fixture
def activity(cycle, users):
    """A community-led pop-up facilitated by the community lead."""
    return make_activity(cycle, facilitators=[users[Role.COMMUNITY_LEAD]])


@pytest.fixture
def insight(cycle, activity, users):
    return make_insight(
        cycle,
        "Buses stop running before evening clinics end.",
        activity=activity,
        captured_by=users[Role.COMMUNITY_LEAD],
    )


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
    record_consent=st.sampled_from(["", "on"]),
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
    record_consent_note=text,
)
def test_activity_form_never_fails(users, org, cycle, client_for, **data):
    client: Client = client_for(users[Role.ADMIN])
    before = counts()
    response = client.post(url(org, "activity_create", cycle.pk), data)
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert counts() == before


def report_back_count() -> int:
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


@pytest.fixture
def link(org, cycle, monkeypatch):
    monkeypatch.setattr("feedback.services.pulse.RATE_LIMITS", ((60, 10_000),))
    _survey, token = make_pulse_survey(cycle)
    return f"/p/{org.slug}/{cycle.slug}/trust-pulse/{token}/"


@FUZZ
@given(
    # Half the time every rating is valid, so saving is fuzzed too, not only refusing.
    ratings=st.fixed_dictionaries({field: st.sampled_from("12345") for field in PULSE_FIELDS})
    | st.fixed_dictionaries({field: rating for field in PULSE_FIELDS}),
    comment=st.text(max_size=2100) | tricky_text | st.none(),
    extra=st.dictionaries(st.sampled_from(["survey", "id", "given_on", "x"]), st.text(max_size=10)),
)
def test_the_public_pulse_form_never_fails_and_never_half_saves(link, ratings, comment, extra):
    data = {k: v for k, v in {**ratings, "comment": comment, **extra}.items() if v is not None}
    with scopes_disabled():
        before = PulseResponse.objects.count()
    response = Client().post(link, data)
    assert response.status_code in (302, 400)
    with scopes_disabled():
        after = list(PulseResponse.objects.order_by("pk"))
    if response.status_code == 400:
        assert len(after) == before
        assert "There is a problem" in response.content.decode()
    else:
        # Only whole answers are saved: every rating was a number from 1 to 5.
        assert all(ratings[field] in set("12345") for field in PULSE_FIELDS)
        assert len(after) == before + 1
        saved = after[-1]
        for field in PULSE_FIELDS:
            assert getattr(saved, field) == int(ratings[field])
            assert 1 <= getattr(saved, field) <= 5
        assert saved.comment == clean_text(comment or "", multiline=True)
