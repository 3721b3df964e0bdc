"""Tenant-isolation walker fillers for stakeholder URL keywords (see tests/walker.py).

Rows hang off the shared walker cycle, so a path with `cycle_pk` and a steering keyword
points at a real child of that cycle.
"""

from datetime import date

from django_scopes import scopes_disabled

from cycles.tests.walker_fillers import walker_cycle
from stakeholders.models import Stakeholder
from t2a.models import Membership, Organisation, Role

from .builders import (
    make_asset,
    make_commitment,
    make_conversation,
    make_meeting,
    make_stakeholder,
    make_steering_member,
)


def _admin(org: Organisation):
    with scopes_disabled():
        membership = (
            Membership.objects.filter(organisation=org, role=Role.ADMIN)
            .select_related("user")
            .first()
        )
    return membership.user


def _stakeholder(org: Organisation) -> Stakeholder:
    with scopes_disabled():
        found = Stakeholder.objects.filter(organisation=org, name="Walker stakeholder").first()
    return found or make_stakeholder(org, "Walker stakeholder")


def _conversation(org: Organisation):
    return make_conversation(org, _admin(org), [_stakeholder(org)])


FILLERS = {
    "stakeholder_pk": lambda org: str(_stakeholder(org).pk),
    "steering_member_pk": lambda org: str(
        make_steering_member(walker_cycle(org), "community", stakeholder=_stakeholder(org)).pk
    ),
    "steering_meeting_pk": lambda org: str(make_meeting(walker_cycle(org)).pk),
    "conversation_pk": lambda org: str(_conversation(org).pk),
    "commitment_pk": lambda org: str(
        make_commitment(_conversation(org), _admin(org), date(2026, 6, 1)).pk
    ),
    "shared_asset_pk": lambda org: str(make_asset(org).pk),
}
