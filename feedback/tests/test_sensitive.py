"""Sensitive insight reaches engagement leads and admins only, in every response."""

import pytest
from django_scopes import scopes_disabled

from feedback.models import Insight
from t2a.models import Role

from .builders import make_insight, make_theme
from .conftest import url

pytestmark = pytest.mark.django_db

SECRET = "Disclosed domestic abuse at the antenatal visit"
SECRET_QUOTE = "I could not tell the midwife while he was there"


@pytest.fixture
def sensitive(cycle, activity, users):
    theme = make_theme(cycle, "Safety at home")
    return make_insight(
        cycle,
        SECRET,
        quote=SECRET_QUOTE,
        activity=activity,
        themes=[theme],
        sensitivity="sensitive",
        captured_by=users[Role.COMMUNITY_LEAD],
    )


def every_page(org, cycle, activity, sensitive) -> list[tuple[str, dict]]:
    with scopes_disabled():
        theme_pk = sensitive.theme_links.get().theme_id
    htmx = {"HX-Request": "true"}
    return [
        ("/o/northgate/", {}),
        (url(org, "home"), {}),
        (url(org, "cycle", cycle.pk), {}),
        (url(org, "activity_detail", activity.pk), {}),
        (url(org, "insight_list", cycle.pk), {}),
        (url(org, "insight_list", cycle.pk) + f"?theme={theme_pk}", {}),
        (url(org, "insight_list", cycle.pk) + "?closure=unanswered", htmx),
        (url(org, "insight_list", cycle.pk) + f"?theme={theme_pk}", htmx),
        (url(org, "theme_list", cycle.pk), {}),
        (url(org, "theme_suggest", cycle.pk) + "?themes=safe", htmx),
        (url(org, "insight_detail", sensitive.pk), {}),
        (url(org, "insight_edit", sensitive.pk), {}),
        (url(org, "insight_closure", sensitive.pk), {}),
    ]


@pytest.mark.parametrize("role", [Role.COMMUNITY_LEAD, Role.GOVERNANCE])
def test_community_leads_and_governance_never_receive_sensitive_text(
    role, client_for, users, org, cycle, activity, sensitive, insight
):
    client = client_for(users[role])
    for path, headers in every_page(org, cycle, activity, sensitive):
        response = client.get(path, headers=headers)
        body = response.content.decode()
        assert SECRET not in body, path
        assert SECRET_QUOTE not in body, path
    # The detail is hidden as if it did not exist, even from the lead who captured it.
    assert client.get(url(org, "insight_detail", sensitive.pk)).status_code == 404
    assert client.get(url(org, "insight_edit", sensitive.pk)).status_code in (403, 404)


def test_sensitive_insight_is_left_out_of_theme_counts_for_others(
    client_for, users, org, cycle, sensitive
):
    body = client_for(users[Role.GOVERNANCE]).get(url(org, "theme_list", cycle.pk))
    assert "0 insights" in body.content.decode()
    body = client_for(users[Role.ENGAGEMENT_LEAD]).get(url(org, "theme_list", cycle.pk))
    assert "1 insight" in body.content.decode()


@pytest.mark.parametrize("role", [Role.ADMIN, Role.ENGAGEMENT_LEAD])
def test_staff_see_sensitive_insight(role, client_for, users, org, cycle, sensitive):
    client = client_for(users[role])
    assert SECRET in client.get(url(org, "insight_list", cycle.pk)).content.decode()
    detail = client.get(url(org, "insight_detail", sensitive.pk)).content.decode()
    assert SECRET in detail and SECRET_QUOTE in detail and "Sensitive" in detail


def test_a_lead_who_marks_insight_sensitive_is_told_it_leaves_their_view(
    client_for, users, org, cycle, activity
):
    client = client_for(users[Role.COMMUNITY_LEAD])
    response = client.post(
        url(org, "insight_create", cycle.pk),
        {"activity": activity.pk, "summary": SECRET, "sensitive": "on"},
        follow=True,
    )
    assert "only engagement leads and admins can see it now" in response.content.decode()
    with scopes_disabled():
        assert Insight.objects.get().sensitivity == "sensitive"
    listing = client.get(url(org, "insight_list", cycle.pk)).content.decode()
    assert SECRET not in listing
