"""Reads for the action plan: the plan table and the actions overdue for an update."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from actions.models import Action, ActionStatus, PlanStatus
from actions.selectors.plan import plan_table

from ..builders import make_action, make_plan, make_update

pytestmark = pytest.mark.django_db


def test_overdue_updates_follow_each_actions_cadence(org, cycle, users):
    plan = make_plan(
        cycle, status=PlanStatus.IN_DELIVERY, signed_off_at=timezone.now() - timedelta(60)
    )
    quiet = make_action(cycle, "Quiet", start_date=None, cadence_days=28)
    fresh = make_action(cycle, "Fresh", start_date=None, cadence_days=28)
    make_update(fresh, when=timezone.now() - timedelta(days=3))
    done = make_action(cycle, "Done", start_date=None, status=ActionStatus.DONE)
    with scopes_disabled():
        Action.objects.filter(pk__in=[quiet.pk, fresh.pk, done.pk]).update(
            created_at=timezone.now() - timedelta(days=90)
        )
        plan.refresh_from_db()
        _, overdue = plan_table(plan)
    assert [a.title for a in overdue] == ["Quiet"]
