"""Listening's panels on the cycle page and the organisation home (views/panels.py)."""

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope

from feedback.models import ActivityStatus
from feedback.tests.builders import make_activity, make_insight, make_public_page
from feedback.tests.conftest import url
from feedback.views.panels import cycle_listening, home_listening
from t2a.models import Membership, Role

pytestmark = pytest.mark.django_db


def cycle_page(org, cycle) -> str:
    return reverse("cycles:cycle_detail", args=[org.slug, cycle.pk])


def public_url(org, cycle) -> str:
    return f"/p/{org.slug}/{cycle.slug}/"


def test_the_cycle_panel_shows_listening_figures(org, cycle, users, client_for):
    make_activity(cycle, status=ActivityStatus.HELD, community_led=True)
    make_activity(cycle, "Next café", status=ActivityStatus.PLANNED)
    make_insight(cycle, "One")
    make_insight(cycle, "Two", out_of_scope_at=timezone.now(), out_of_scope_reason="National")
    response = client_for(users[Role.ENGAGEMENT_LEAD]).get(cycle_page(org, cycle))
    assert response.status_code == 200
    html = response.content.decode()
    assert "1 activity held (1 community-led), 1 planned" in html
    assert "2 insights captured" in html
    assert "50% still unanswered (1 of 2)" in html


def test_the_cycle_pages_link_to_the_public_page(client_for, users, org, cycle):
    make_public_page(cycle)
    client = client_for(users[Role.GOVERNANCE])
    for page in (url(org, "cycle", cycle.pk), cycle_page(org, cycle)):
        response = client.get(page)
        assert response.status_code == 200
        assert public_url(org, cycle) in response.content.decode(), page
    # The panel's context gives its template all it shows: rendered with nothing else but
    # the organisation (which every tenant page has), it still links to the public page.
    request = RequestFactory().get("/")
    request.organisation = org
    with scope(organisation=org.pk):
        context = cycle_listening(request, cycle)
    panel = render_to_string(
        "feedback/panels/cycle_listening.html", context | {"organisation": org}
    )
    assert public_url(org, cycle) in panel and "Report-backs and public page" in panel


def test_the_cycle_panel_says_the_public_page_is_off(client_for, users, org, cycle):
    make_public_page(cycle, enabled=False)
    response = client_for(users[Role.GOVERNANCE]).get(cycle_page(org, cycle))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Public page off" in html and public_url(org, cycle) not in html


def test_the_home_panel_counts_the_members_cycles(org, cycle, users):
    make_activity(cycle, status=ActivityStatus.HELD)
    make_insight(cycle, "Open")
    request = RequestFactory().get("/")
    with scope(organisation=org.pk):
        request.membership = Membership.objects.get(user=users[Role.GOVERNANCE])
        listening = home_listening(request)["listening"]
    assert listening["held"] == 1
    assert (listening["closure"].total, listening["closure"].unanswered) == (1, 1)
