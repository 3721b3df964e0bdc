"""Retention, the reading side: which stakeholders holding contact details have shown no
activity for N months.

"Activity" is computed from the rows themselves, not from a `last_active_on` column that
every service (in every app) would have to remember to bump: a stakeholder is active if
their own record changed, or any row that points at them (found in the model registry, see
`selectors/privacy.py`, `stakeholder_links`) shows activity since the cutoff. The app
owning each such link registers what counts (`app.stakeholder_link(..., activity=...)`); a
link with no rule makes the sweep (services/retention.py) refuse to run, so a new kind of
record cannot be overlooked.
"""

from datetime import date, datetime

from dateutil.relativedelta import relativedelta
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from cycles.models import CycleStatus
from t2a.models import Organisation
from t2a.registry import StakeholderLink, registry

from ..models import (
    AssetUse,
    Commitment,
    Conversation,
    SharedAsset,
    Stakeholder,
    StakeholderCycle,
    SteeringGroupMember,
)
from .privacy import stakeholder_links

OPEN_CYCLE = ~Q(cycle__status=CycleStatus.CLOSED)


# For each link to Stakeholder, the app that owns it registers (`app.stakeholder_link`,
# `activity=`) a function (cutoff time, cutoff date) -> an Exists that is true when that
# kind of record shows the stakeholder active since the cutoff. These are the
# stakeholders app's own.


def map_activity(since: datetime, day: date) -> Exists:
    """On the map of a cycle that is still running, or added to one recently."""
    return Exists(
        StakeholderCycle.objects.filter(stakeholder=OuterRef("pk")).filter(
            OPEN_CYCLE | Q(added_at__gte=since)
        )
    )


def steering_seat_activity(since: datetime, day: date) -> Exists:
    """A seat on a running cycle's group, a recent seat, or a meeting attended recently."""
    return Exists(
        SteeringGroupMember.objects.filter(stakeholder=OuterRef("pk")).filter(
            OPEN_CYCLE | Q(added_at__gte=since) | Q(meetings__held_on__gte=day)
        )
    )


def conversation_activity(since: datetime, day: date) -> Exists:
    return Exists(Conversation.objects.filter(stakeholders=OuterRef("pk"), held_on__gte=day))


def commitment_activity(since: datetime, day: date) -> Exists:
    """A promise still open to them needs a way to reach them, however old it is."""
    return Exists(
        Commitment.objects.filter(made_to=OuterRef("pk")).filter(
            Q(kept_on__isnull=True, broken_on__isnull=True)
            | Q(created_at__gte=since)
            | Q(kept_on__gte=day)
            | Q(broken_on__gte=day)
        )
    )


def asset_owner_activity(since: datetime, day: date) -> Exists:
    return Exists(SharedAsset.objects.filter(owner=OuterRef("pk"), created_at__gte=since))


def asset_use_activity(since: datetime, day: date) -> Exists:
    return Exists(AssetUse.objects.filter(used_by=OuterRef("pk"), used_on__gte=day))


def activity_rules() -> dict[str, StakeholderLink]:
    return {item.key: item for item in registry.all(StakeholderLink)}


def retention_undecided_links() -> list[str]:
    """Links found in the registry with no activity rule (must be empty)."""
    rules = activity_rules()
    return [link.key for link in stakeholder_links() if link.key not in rules]


def retention_cutoff(*, months: int, now: datetime) -> datetime:
    return timezone.localtime(now) - relativedelta(months=months)


def inactive_with_contact_details(*, organisation: Organisation, since: datetime) -> QuerySet:
    """Stakeholders of `organisation` holding contact details and inactive since `since`."""
    undecided = retention_undecided_links()
    if undecided:
        raise RuntimeError("No retention activity rule for: " + ", ".join(undecided))
    day = timezone.localdate(since)
    stakeholders = (
        Stakeholder.objects.filter(
            organisation=organisation, erased_at__isnull=True, updated_at__lt=since
        )
        .exclude(email="", phone="", address="")
        .order_by("pk")
    )
    for rule in activity_rules().values():
        stakeholders = stakeholders.exclude(rule.call("activity", since, day))
    return stakeholders
