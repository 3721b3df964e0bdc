"""Report-backs (views/report_backs.py): who may read, write and publish them, what
publishing answers, and bad input."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from cycles.tests.builders import make_cycle
from feedback.models import Insight, ReportBack
from feedback.tests.builders import make_insight, make_report_back, make_theme
from feedback.tests.conftest import url
from t2a.models import Role
from tests.cast import make_member
from tests.matrix import ALL_ROLES, STAFF, assert_role_matrix

pytestmark = pytest.mark.django_db


def test_another_organisations_admin_gets_404(client_for, outsider, org, cycle):
    report_back = make_report_back(cycle)
    client = client_for(outsider)
    for path in (
        url(org, "report_back_list", cycle.pk),
        url(org, "report_back_create", cycle.pk),
        url(org, "report_back_detail", report_back.pk),
        url(org, "report_back_edit", report_back.pk),
    ):
        assert client.get(path).status_code == 404, path
    assert client.post(url(org, "report_back_publish", report_back.pk)).status_code == 404


def test_report_backs_of_a_cycle_a_lead_is_not_on_are_404(client_for, org, cycle):
    report_back = make_report_back(cycle)
    stranger = make_member(org, Role.COMMUNITY_LEAD, "far.lead@northgate.example.org")
    client = client_for(stranger)
    for path in [
        url(org, "report_back_list", cycle.pk),
        url(org, "report_back_detail", report_back.pk),
    ]:
        assert client.get(path).status_code == 404, path


def test_report_back_list_and_detail(client_for, users, org, cycle):
    report_back = make_report_back(cycle)
    assert_role_matrix(client_for, users, url(org, "report_back_list", cycle.pk), get=ALL_ROLES)
    assert_role_matrix(
        client_for, users, url(org, "report_back_detail", report_back.pk), get=ALL_ROLES
    )


def test_report_back_create_and_edit(client_for, users, org, cycle):
    data = {"title": "What you told us", "body": "We listened.", "channels": ["letter"]}
    assert_role_matrix(
        client_for,
        users,
        url(org, "report_back_create", cycle.pk),
        get=STAFF,
        post=STAFF,
        data=data,
    )
    report_back = make_report_back(cycle)
    assert_role_matrix(
        client_for,
        users,
        url(org, "report_back_edit", report_back.pk),
        get=STAFF,
        post=STAFF,
        data=data,
    )


def test_report_back_publish(client_for, users, org, cycle, insight):
    def publish_url(role):
        # A fresh draft per role, so each POST has something to publish.
        return url(org, "report_back_publish", make_report_back(cycle, insights=[insight]).pk)

    assert_role_matrix(client_for, users, publish_url, post=STAFF)


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


def test_rows_of_another_cycle_cannot_be_chosen(lead_client, org, cycle, users):
    other = make_cycle(org, "Another cycle")
    foreign_insight = make_insight(other, "Another cycle's insight")
    foreign_theme = make_theme(other, "Elsewhere")
    for field, pk in (
        ("insights", foreign_insight.pk),
        ("themes", foreign_theme.pk),
    ):
        response = lead_client.post(
            url(org, "report_back_create", cycle.pk), form_data(**{field: [pk]})
        )
        assert response.status_code == 400, field
    page = lead_client.get(url(org, "report_back_create", cycle.pk)).content.decode()
    assert "Another cycle&#x27;s insight" not in page
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
