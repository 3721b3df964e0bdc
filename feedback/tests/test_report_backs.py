"""Writing and publishing report-backs: what publishing answers, and bad input."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from actions.tests.builders import make_action, make_update
from cycles.tests.builders import make_cycle
from feedback.models import Insight, ReportBack
from feedback.services import insight_mark_answered
from t2a.models import Role

from .builders import make_insight, make_report_back, make_theme
from .conftest import url

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
    lead_client, org, cycle, theme, users
):
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


def test_a_later_report_back_keeps_the_first_answer_time(org, cycle, users):
    insight = make_insight(cycle, captured_at=timezone.now() - timedelta(days=30))
    earlier = timezone.now() - timedelta(days=10)
    with scope(organisation=org.pk):
        insight_mark_answered(insight=insight, at=earlier)
    report_back = make_report_back(cycle, insights=[insight])
    from feedback.services import report_back_publish

    with scope(organisation=org.pk):
        report_back_publish(report_back=report_back, actor=users[Role.ENGAGEMENT_LEAD])
    assert fetch(Insight, insight.pk).answered_at == earlier


def test_publishing_answers_an_out_of_scope_insight(lead_client, org, cycle):
    insight = make_insight(
        cycle, out_of_scope_at=timezone.now(), out_of_scope_reason="A national decision."
    )
    report_back = make_report_back(cycle, insights=[insight])
    assert lead_client.post(url(org, "report_back_publish", report_back.pk)).status_code == 302
    insight = fetch(Insight, insight.pk)
    assert insight.answered_at and insight.out_of_scope_at is None


def test_insight_added_to_a_published_report_back_is_answered_when_saved(lead_client, org, cycle):
    old = make_insight(cycle, "Old", captured_at=timezone.now() - timedelta(days=5))
    new = make_insight(cycle, "New", captured_at=timezone.now() - timedelta(days=1))
    report_back = make_report_back(cycle, insights=[old])
    lead_client.post(url(org, "report_back_publish", report_back.pk))
    published_at = fetch(ReportBack, report_back.pk).published_at
    response = lead_client.post(
        url(org, "report_back_edit", report_back.pk),
        form_data(title="Corrected title", insights=[old.pk, new.pk]),
    )
    assert response.status_code == 302
    assert fetch(Insight, old.pk).answered_at == published_at
    assert fetch(Insight, new.pk).answered_at > published_at
    assert fetch(ReportBack, report_back.pk).published_at == published_at


def test_publishing_needs_you_said_and_a_channel(lead_client, org, cycle):
    report_back = make_report_back(cycle, channels=[])
    response = lead_client.post(url(org, "report_back_publish", report_back.pk))
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and "<title>Error:" in page
    assert "Choose the insight or themes this report-back answers" in page
    assert "Say which channels you used" in page
    assert fetch(ReportBack, report_back.pk).published_at is None


def test_publishing_twice_publishes_once(lead_client, org, cycle, insight):
    report_back = make_report_back(cycle, insights=[insight])
    lead_client.post(url(org, "report_back_publish", report_back.pk))
    first = fetch(ReportBack, report_back.pk).published_at
    response = lead_client.post(url(org, "report_back_publish", report_back.pk))
    assert response.status_code == 400
    assert "already been published" in response.content.decode()
    assert fetch(ReportBack, report_back.pk).published_at == first


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": ""}, "Give the report-back a title."),
        ({"body": "  "}, "Write what you want to tell people."),
        ({"body": "x" * 10_001}, "10,000 characters or fewer"),
        ({"channels": ["carrier_pigeon"]}, "Choose channels from the list."),
        ({"channels": ["other"]}, "Say which other channel you used."),
        ({"insights": ["999999"]}, "Choose insight from the list."),
        ({"insights": ["not a number"]}, "Choose insight from the list."),
        ({"actions": ["999999"]}, "Choose actions from the list."),
    ],
)
def test_bad_input_is_refused_clearly_and_saves_nothing(
    lead_client, org, cycle, overrides, message
):
    response = lead_client.post(url(org, "report_back_create", cycle.pk), form_data(**overrides))
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and message in page
    with scopes_disabled():
        assert not ReportBack.objects.exists()


def test_rows_of_another_cycle_or_internal_updates_cannot_be_chosen(lead_client, org, cycle, users):
    other = make_cycle(org, "Another cycle")
    foreign_insight = make_insight(other, "Another cycle's insight")
    foreign_theme = make_theme(other, "Elsewhere")
    internal = make_update(make_action(cycle), public=False, narrative="Budget row with finance.")
    for field, pk in (
        ("insights", foreign_insight.pk),
        ("themes", foreign_theme.pk),
        ("progress_updates", internal.pk),
    ):
        response = lead_client.post(
            url(org, "report_back_create", cycle.pk), form_data(**{field: [pk]})
        )
        assert response.status_code == 400, field
    page = lead_client.get(url(org, "report_back_create", cycle.pk)).content.decode()
    assert "Budget row with finance." not in page and "Another cycle&#x27;s insight" not in page
    with scopes_disabled():
        assert not ReportBack.objects.exists()


def test_the_service_refuses_rows_of_another_cycle(org, cycle, users):
    from django.core.exceptions import ValidationError

    from feedback.services import report_back_save

    other = make_cycle(org, "Another cycle")
    report_back = ReportBack(
        organisation=org, cycle=cycle, title="T", body="B", channels=["letter"]
    )
    with scope(organisation=org.pk), pytest.raises(ValidationError) as error:
        report_back_save(
            report_back=report_back,
            insights=[make_insight(other)],
            themes=[],
            actions=[make_action(other)],
            progress_updates=[make_update(make_action(cycle, "Internal"), public=False)],
            actor=users[Role.ENGAGEMENT_LEAD],
        )
    assert set(error.value.message_dict) == {"insights", "actions", "progress_updates"}
    with scopes_disabled():
        assert not ReportBack.objects.exists()


def test_community_leads_read_report_backs_without_sensitive_insight(
    client_for, users, org, cycle, insight
):
    secret = make_insight(cycle, "A private disclosure about home.", sensitivity="sensitive")
    report_back = make_report_back(cycle, insights=[insight, secret])
    client = client_for(users[Role.COMMUNITY_LEAD])
    page = client.get(url(org, "report_back_detail", report_back.pk)).content.decode()
    assert insight.summary in page
    assert "A private disclosure" not in page
    assert "1 sensitive insight only engagement leads can see" in page
    assert "Publish report-back" not in page and "Edit report-back" not in page
    staff = client_for(users[Role.ENGAGEMENT_LEAD])
    page = staff.get(url(org, "report_back_detail", report_back.pk)).content.decode()
    assert "A private disclosure" in page and "Sensitive: not shown in public" in page


def test_the_list_shows_drafts_and_published_report_backs(lead_client, org, cycle, insight):
    make_report_back(cycle, "A draft")
    published = make_report_back(cycle, "Out already", insights=[insight])
    lead_client.post(url(org, "report_back_publish", published.pk))
    page = lead_client.get(url(org, "report_back_list", cycle.pk)).content.decode()
    assert "A draft" in page and "Out already" in page
    assert page.index("Out already") < page.index("A draft")  # published first, by date
    assert "Write a report-back" in page
