"""The closure and next-iteration services (services/closure.py): closing is refused
until every step is done or explained; a closed cycle can start its next iteration."""

import pytest
from django.core.exceptions import ValidationError
from django_scopes import scope, scopes_disabled

from cycles.models import ClosureItemKey, Cycle
from cycles.services import closure as services
from cycles.services.cycles import cycle_update
from cycles.tests.builders import make_closure
from t2a.models import Role

pytestmark = pytest.mark.django_db

KEYS = [key.value for key in ClosureItemKey]
ALL_DONE = dict.fromkeys(KEYS, "done")


def status_of(cycle) -> str:
    with scopes_disabled():
        return Cycle.objects.get(pk=cycle.pk).status


def all_but(key: str, state: str = "not_yet") -> dict:
    return ALL_DONE | {key: state}


def start(org, cycle, by, title="Maternity 2027", **extra) -> Cycle:
    with scope(organisation=org.pk):
        return services.cycle_start_next_iteration(cycle=cycle, by=by, title=title, **extra)


def test_the_service_refuses_and_then_closes(org, users, cycle):
    make_closure(cycle, all_but("transition"))
    with scope(organisation=org.pk):
        with pytest.raises(ValidationError, match="transition into longer-term"):
            services.cycle_close(cycle=cycle, by=users[Role.ENGAGEMENT_LEAD])
        with pytest.raises(ValidationError) as refused:
            cycle_update(
                cycle=cycle,
                fields={"status": "closed"},
                community_leads=[],
                governance_members=[],
            )
        assert "status" in refused.value.error_dict
    assert status_of(cycle) == "closing"
    make_closure(cycle, all_but("transition", ("explained", "No programme exists yet.")))
    with scope(organisation=org.pk):
        services.cycle_close(cycle=cycle, by=users[Role.ENGAGEMENT_LEAD])
    assert status_of(cycle) == "closed"


def test_a_closed_cycle_can_start_its_next_iteration(org, users, cycle):
    make_closure(cycle, status="closed")
    assert start(org, cycle, users[Role.ENGAGEMENT_LEAD]).previous_iteration_id == cycle.pk
