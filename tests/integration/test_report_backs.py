"""Listening and actions composed on a report-back: "we did" reports the cycle's actions and
its progress updates shared with the public (actions answers feedback's plug-in point
"feedback.report_back_link")."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from actions.tests.builders import make_action, make_update
from feedback.models import Insight, ReportBack
from feedback.tests.builders import make_insight, make_theme
from feedback.tests.conftest import url
from t2a.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead_client(client_for, users):
    return client_for(users[Role.ENGAGEMENT_LEAD])


def fetch(model, pk):
    with scopes_disabled():
        return model.objects.get(pk=pk)


def form_data(**overrides) -> dict:
    return {
        "title": "What you told us about evening clinics",
        "body": "You told us clinics close too early. We now run one on Tuesday evenings.",
        "channels": ["letter", "community_meeting"],
        "audience": "Women who came to the cafés",
    } | overrides


def test_a_lead_writes_a_draft_then_publishes_it_and_its_insight_is_answered(
    lead_client, org, cycle, users
):
    theme = make_theme(cycle, "Transport")
    two_days_ago = timezone.now() - timedelta(days=2)
    first = make_insight(cycle, "Clinics close at five.", captured_at=two_days_ago)
    second = make_insight(cycle, "Shift workers miss appointments.", captured_at=two_days_ago)
    untouched = make_insight(cycle, "Not part of this report-back.")
    action = make_action(cycle)
    update = make_update(action, public=True, narrative="The Tuesday clinic opened.")

    response = lead_client.post(
        url(org, "report_back_create", cycle.pk),
        form_data(
            insights=[first.pk, second.pk],
            themes=[theme.pk],
            actions=[action.pk],
            progress_updates=[update.pk],
        ),
    )
    assert response.status_code == 302
    with scopes_disabled():
        report_back = ReportBack.objects.get()
        assert set(report_back.insights.all()) == {first, second}
        assert list(report_back.progress_updates.all()) == [update]
    assert report_back.published_at is None and report_back.channels == [
        "letter",
        "community_meeting",
    ]
    assert fetch(Insight, first.pk).answered_at is None  # a draft answers nothing

    response = lead_client.post(url(org, "report_back_publish", report_back.pk))
    assert response.status_code == 302
    report_back = fetch(ReportBack, report_back.pk)
    assert report_back.published_at is not None
    assert report_back.published_by == users[Role.ENGAGEMENT_LEAD]
    for insight in (first, second):
        answered = fetch(Insight, insight.pk)
        # The feedback-loop latency runs to exactly this moment.
        assert answered.answered_at == report_back.published_at
        assert "What you told us about evening clinics" in answered.answered_note
    assert fetch(Insight, untouched.pk).answered_at is None

    page = lead_client.get(url(org, "report_back_detail", report_back.pk)).content.decode()
    assert "Published" in page and "The Tuesday clinic opened." in page


def test_an_unknown_action_is_refused_clearly_and_saves_nothing(lead_client, org, cycle):
    response = lead_client.post(
        url(org, "report_back_create", cycle.pk), form_data(actions=["999999"])
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and "Choose actions from the list." in page
    with scopes_disabled():
        assert not ReportBack.objects.exists()


def test_internal_updates_cannot_be_chosen(lead_client, org, cycle):
    internal = make_update(make_action(cycle), public=False, narrative="Budget row with finance.")
    response = lead_client.post(
        url(org, "report_back_create", cycle.pk), form_data(progress_updates=[internal.pk])
    )
    assert response.status_code == 400
    page = lead_client.get(url(org, "report_back_create", cycle.pk)).content.decode()
    assert "Budget row with finance." not in page
    with scopes_disabled():
        assert not ReportBack.objects.exists()
