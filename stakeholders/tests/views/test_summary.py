"""The register's summary page (views/summary.py)."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse
from django_scopes import scopes_disabled

from stakeholders.models import Stakeholder
from stakeholders.tests.builders import (
    make_commitment,
    make_conversation,
    make_stakeholder,
    measure_pages,
    populate_register,
)
from t2a.models import Role
from tests.matrix import ALL_ROLES, assert_role_matrix


@pytest.mark.django_db
def test_another_organisations_admin_gets_404(org, outsider, client_for):
    url = reverse("stakeholders:stakeholder_summary", args=[org.slug])
    assert client_for(outsider).get(url).status_code == 404


@pytest.mark.django_db
def test_summary_matrix_and_content(org, users, client_for):
    lead = users[Role.ENGAGEMENT_LEAD]
    with time_machine.travel(date(2026, 6, 15), tick=False):
        conversation = make_conversation(org, lead, held_on=date(2026, 5, 2))
        make_commitment(conversation, lead, date(2026, 5, 9), kept_on=date(2026, 5, 8))
        make_commitment(conversation, lead, date(2026, 5, 10))
        make_stakeholder(org, "Brook Library", trusted_place=True, sector="other_public")
        url = reverse("stakeholders:stakeholder_summary", args=[org.slug])
        assert_role_matrix(client_for, users, url, get=ALL_ROLES)
        page = client_for(users[Role.GOVERNANCE]).get(url).text
    assert '<p class="t2a-stat" id="kept-rate">50%</p>' in page
    assert "May 2026" in page
    assert lead.full_name in page
    # Governance sees counts, never register rows.
    assert "Brook Library" not in page


# --- query counts -------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.ADMIN, Role.COMMUNITY_LEAD])
def test_query_counts_are_constant_from_10_to_2000_stakeholders(
    org, users, client_for, cycle, role, django_assert_max_num_queries
):
    client = client_for(users[role])
    staff = users[Role.ENGAGEMENT_LEAD]
    populate_register(org, cycle, 10, staff)
    pages = [reverse("stakeholders:stakeholder_summary", args=[org.slug])]
    small = measure_pages(client, pages)
    assert {status for _, status in small.values()} <= {200, 403}, small
    populate_register(org, cycle, 1990, staff)
    with scopes_disabled():
        assert Stakeholder.objects.filter(organisation=org).count() == 2000
    for page, (count, status) in small.items():
        with django_assert_max_num_queries(count):
            response = client.get(page)
        assert response.status_code == status, page
