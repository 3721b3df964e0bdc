"""Saving an activity (services/activities.py): rules the form cannot see."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django_scopes import scope, scopes_disabled

from feedback.models import EngagementActivity
from feedback.services.activities import activity_save
from t2a.models import Role

pytestmark = pytest.mark.django_db


def test_the_service_refuses_reach_for_a_group_outside_the_cycle(org, cycle, users):
    activity = EngagementActivity(
        organisation=org,
        cycle=cycle,
        title="Pop-up",
        method="pop_up",
        held_on=date(2026, 2, 1),
        participants=4,
        reach={"Martians": 2},
    )
    with scope(organisation=org.pk), pytest.raises(ValidationError) as caught:
        activity_save(activity=activity, facilitators=[], actor=users[Role.ADMIN])
    assert "not one of this cycle's population groups" in str(caught.value)
    with scopes_disabled():
        assert not EngagementActivity.objects.exists()
