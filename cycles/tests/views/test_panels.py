"""The cycles panel on the organisation home (views/panels.py): staff see the
organisation's open cycles and may create one; other members see only the cycles they
are part of."""

import pytest

from cycles.tests.builders import make_cycle
from t2a.models import Role

pytestmark = pytest.mark.django_db


def test_staff_see_every_open_cycle_and_may_create_one(client_for, users, org, cycle):
    make_cycle(org, "Not theirs")
    for role in (Role.ADMIN, Role.ENGAGEMENT_LEAD):
        page = client_for(users[role]).get(f"/o/{org.slug}/").content.decode()
        assert f"2 open cycles in {org.name}" in page
        assert f'href="/o/{org.slug}/cycles/new/">create a cycle</a>' in page


def test_dashboard_summarises_cycles_by_stage(client_for, users, org, cycle):
    make_cycle(org, "Not theirs")
    page = client_for(users[Role.COMMUNITY_LEAD]).get(f"/o/{org.slug}/").content.decode()
    assert "1 open cycle you are part of" in page and cycle.title in page
    assert "create a cycle</a>" not in page
