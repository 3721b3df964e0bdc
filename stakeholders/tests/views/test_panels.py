"""The stakeholders app's panels on the organisation home and the cycle page
(views/panels.py)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from stakeholders.models import Stakeholder
from stakeholders.tests.builders import (
    add_lead,
    make_agreement,
    make_checkin,
    make_commitment,
    make_conversation,
    make_topic,
    make_training,
    measure_pages,
    populate_register,
)
from t2a.models import Role
from tests.cast import make_member


@pytest.fixture
def lead(users):
    return users[Role.COMMUNITY_LEAD]


@pytest.fixture
def other_lead(org, cycle):
    """A second community lead on the same cycle."""
    return add_lead(cycle, make_member(org, Role.COMMUNITY_LEAD, "hodan@northgate.example.org"))


@pytest.mark.django_db
def test_another_organisations_admin_gets_404_on_the_pages_holding_the_panels(
    org, outsider, client_for, cycle
):
    client = client_for(outsider)
    assert client.get(reverse("organisation_home", args=[org.slug])).status_code == 404
    assert client.get(reverse("cycles:cycle_detail", args=[org.slug, cycle.pk])).status_code == 404


@pytest.mark.django_db
def test_organisation_home_shows_the_trust_indicators(org, users, client_for):
    lead = users[Role.ENGAGEMENT_LEAD]
    with time_machine.travel(date(2026, 6, 15), tick=False):
        conversation = make_conversation(org, lead, held_on=date(2026, 5, 2))
        make_commitment(conversation, lead, date(2026, 5, 9), kept_on=date(2026, 5, 8))
        page = (
            client_for(users[Role.GOVERNANCE])
            .get(reverse("organisation_home", args=[org.slug]))
            .text
        )
    assert "Meaningful conversations" in page
    assert "May 2026: <strong>1</strong>" in page
    assert "100%" in page


@pytest.mark.django_db
def test_a_community_lead_sees_their_own_preparation_on_their_home_page(
    org, users, client_for, cycle, lead, other_lead
):
    make_agreement(cycle, lead, role="Listening café host", hours_per_month=Decimal("12.5"))
    make_training(
        cycle, [lead], users[Role.ADMIN], topic=make_topic(org, "Trauma-informed practice")
    )
    make_checkin(
        cycle, lead, users[Role.ADMIN], next_due_on=timezone.localdate() + timedelta(days=9)
    )
    make_agreement(cycle, other_lead, role="Somali outreach")
    home = reverse("organisation_home", args=[org.slug])
    text = client_for(lead).get(home).text
    assert "Your preparation as a community lead" in text
    assert "Listening café host, about 12.5 hours a month." in text
    assert "Waiting for you to confirm" in text
    assert "Read and confirm your role agreement" in text
    assert "Trauma-informed practice" in text
    assert "Next due" in text
    assert "Somali outreach" not in text
    for role in (Role.ADMIN, Role.ENGAGEMENT_LEAD, Role.GOVERNANCE):
        assert "Your preparation as a community lead" not in client_for(users[role]).get(home).text


# --- query counts -------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.ADMIN, Role.COMMUNITY_LEAD])
def test_query_counts_are_constant_from_10_to_2000_stakeholders(
    org, users, client_for, cycle, role, django_assert_max_num_queries
):
    client = client_for(users[role])
    staff = users[Role.ENGAGEMENT_LEAD]
    populate_register(org, cycle, 10, staff)
    pages = [
        reverse("cycles:cycle_detail", args=[org.slug, cycle.pk]),
        reverse("organisation_home", args=[org.slug]),
    ]
    small = measure_pages(client, pages)
    assert {status for _, status in small.values()} <= {200, 403}, small
    populate_register(org, cycle, 1990, staff)
    with scopes_disabled():
        assert Stakeholder.objects.filter(organisation=org).count() == 2000
    for page, (count, status) in small.items():
        with django_assert_max_num_queries(count):
            response = client.get(page)
        assert response.status_code == status, page
