"""Writes for priorities: the agreed set."""

from datetime import date

import pytest
from django_scopes import scope, scopes_disabled

from actions.models import Priority
from actions.services.priorities import priorities_agree
from t2a.models import Role

from ..builders import make_priority

pytestmark = pytest.mark.django_db


def test_the_agreed_set_is_recorded_with_its_date(org, cycle, users):
    a, b = make_priority(cycle, "Access"), make_priority(cycle, "Buses")
    with scope(organisation=org.pk):
        priorities_agree(
            cycle=cycle, by=users[Role.ENGAGEMENT_LEAD], priorities=[a], agreed_on=date(2026, 2, 3)
        )
        priorities_agree(
            cycle=cycle, by=users[Role.ENGAGEMENT_LEAD], priorities=[b], agreed_on=date(2026, 2, 9)
        )
    with scopes_disabled():
        agreed = {p.title: p.agreed_on for p in Priority.objects.all()}
    assert agreed == {"Access": None, "Buses": date(2026, 2, 9)}
