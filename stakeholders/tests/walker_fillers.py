"""Tenant-isolation walker fillers for stakeholder URL keywords (see tests/walker.py).

Rows hang off the shared walker cycle, so a path with `cycle_pk` and a steering keyword
points at a real child of that cycle.
"""

from datetime import date

from django_scopes import scopes_disabled

from cycles.tests.walker_fillers import walker_cycle
from stakeholders.models import RoleAgreement, Stakeholder, SteeringMeeting
from t2a.models import Membership, Organisation, Role, User
from tests.cast import make_member

from .builders import (
    add_lead,
    make_agreement,
    make_asset,
    make_checkin,
    make_commitment,
    make_conversation,
    make_decision,
    make_meeting,
    make_stakeholder,
    make_steering_member,
    make_training,
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


def _decision(org: Organisation):
    # A decision of the meeting the walker built for `steering_meeting_pk` (filled first,
    # earlier in the same route): the latest meeting of the walker cycle.
    with scopes_disabled():
        meeting = SteeringMeeting.objects.filter(cycle=walker_cycle(org)).order_by("pk").last()
    return make_decision(meeting or make_meeting(walker_cycle(org)))


def _conversation(org: Organisation):
    return make_conversation(org, _admin(org), [_stakeholder(org)])


FILLERS = {
    "stakeholder_pk": lambda org: str(_stakeholder(org).pk),
    "steering_member_pk": lambda org: str(
        make_steering_member(walker_cycle(org), "community", stakeholder=_stakeholder(org)).pk
    ),
    "steering_meeting_pk": lambda org: str(make_meeting(walker_cycle(org)).pk),
    "steering_decision_pk": lambda org: str(_decision(org).pk),
    "conversation_pk": lambda org: str(_conversation(org).pk),
    "commitment_pk": lambda org: str(
        make_commitment(_conversation(org), _admin(org), date(2026, 6, 1)).pk
    ),
    "shared_asset_pk": lambda org: str(make_asset(org).pk),
}


def _walker_lead(org: Organisation):
    """A community lead of the shared walker cycle."""
    cycle = walker_cycle(org)
    email = f"walker-community-lead@{org.slug}.example.org"
    user = User.objects.filter(email=email).first() or make_member(org, Role.COMMUNITY_LEAD, email)
    return add_lead(cycle, user)


def _agreement(org: Organisation):
    cycle, lead = walker_cycle(org), _walker_lead(org)
    with scopes_disabled():
        found = RoleAgreement.objects.filter(cycle=cycle, community_lead=lead).first()
    return found or make_agreement(cycle, lead)


FILLERS |= {
    "community_lead_pk": lambda org: str(_walker_lead(org).pk),
    "agreement_pk": lambda org: str(_agreement(org).pk),
    "training_pk": lambda org: str(
        make_training(walker_cycle(org), [_walker_lead(org)], _admin(org)).pk
    ),
    "checkin_pk": lambda org: str(
        make_checkin(walker_cycle(org), _walker_lead(org), _admin(org)).pk
    ),
}
