"""Retention: remove the contact details of stakeholders with no activity for N months.

"Activity" is computed from the rows themselves, not from a `last_active_on` column that
every service (in every app) would have to remember to bump: a stakeholder is active if
their own record changed, or any row that points at them (found in the model registry,
see `privacy.stakeholder_links`) shows activity since the cutoff. `ACTIVITY` says, for
each such link, what counts; a link with no entry makes the sweep refuse to run, so a
new kind of record cannot be overlooked.

The sweep is idempotent: it only selects stakeholders who still have contact details, and
removing them is what takes a stakeholder out of the selection.
"""

import logging
from collections.abc import Callable
from datetime import date, datetime

from dateutil.relativedelta import relativedelta
from django.apps import apps
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from t2a.models import Organisation, OrganisationExport
from t2a.privacy import stored_files_withdraw

from .models import (
    AssetUse,
    Commitment,
    Conversation,
    SharedAsset,
    Stakeholder,
    StakeholderCycle,
    SteeringGroupMember,
)
from .privacy import stakeholder_links

log = logging.getLogger(__name__)

# Rows updated per statement, and statements per run: a large backlog is worked off over
# a few daily runs rather than holding locks on thousands of rows at once.
BATCH_SIZE = 500
MAX_BATCHES = 40

OPEN_CYCLE = ~Q(cycle__status="closed")


def _activity_venue(since: datetime, on_or_after: date) -> Exists:
    EngagementActivity = apps.get_model("feedback", "EngagementActivity")
    return Exists(
        EngagementActivity.objects.filter(venue=OuterRef("pk")).filter(
            Q(held_on__gte=on_or_after) | Q(updated_at__gte=since)
        )
    )


# For each link to Stakeholder: (cutoff time, cutoff date) -> an Exists that is true when
# that kind of record shows the stakeholder active since the cutoff.
ACTIVITY: dict[str, Callable[[datetime, date], Exists]] = {
    "stakeholders.StakeholderCycle.stakeholder": lambda since, day: Exists(
        # On the map of a cycle that is still running, or added to one recently.
        StakeholderCycle.objects.filter(stakeholder=OuterRef("pk")).filter(
            OPEN_CYCLE | Q(added_at__gte=since)
        )
    ),
    "stakeholders.SteeringGroupMember.stakeholder": lambda since, day: Exists(
        # A seat on a running cycle's group, a recent seat, or a meeting attended recently.
        SteeringGroupMember.objects.filter(stakeholder=OuterRef("pk")).filter(
            OPEN_CYCLE | Q(added_at__gte=since) | Q(meetings__held_on__gte=day)
        )
    ),
    "stakeholders.Conversation.stakeholders": lambda since, day: Exists(
        Conversation.objects.filter(stakeholders=OuterRef("pk"), held_on__gte=day)
    ),
    "stakeholders.Commitment.made_to": lambda since, day: Exists(
        # A promise still open to them needs a way to reach them, however old it is.
        Commitment.objects.filter(made_to=OuterRef("pk")).filter(
            Q(kept_on__isnull=True, broken_on__isnull=True)
            | Q(created_at__gte=since)
            | Q(kept_on__gte=day)
            | Q(broken_on__gte=day)
        )
    ),
    "stakeholders.SharedAsset.owner": lambda since, day: Exists(
        SharedAsset.objects.filter(owner=OuterRef("pk"), created_at__gte=since)
    ),
    "stakeholders.AssetUse.used_by": lambda since, day: Exists(
        AssetUse.objects.filter(used_by=OuterRef("pk"), used_on__gte=day)
    ),
    "feedback.EngagementActivity.venue": _activity_venue,
}


def retention_undecided_links() -> list[str]:
    """Links found in the registry with no activity rule (must be empty)."""
    return [link.key for link in stakeholder_links() if link.key not in ACTIVITY]


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
    for active in ACTIVITY.values():
        stakeholders = stakeholders.exclude(active(since, day))
    return stakeholders


def contact_details_remove_inactive(*, organisation: Organisation, now: datetime | None = None):
    """Apply the organisation's retention setting. Returns how many stakeholders lost
    their contact details (0 when the setting is blank)."""
    months = organisation.stakeholder_retention_months
    if not months:
        return 0
    now = now or timezone.now()
    since = retention_cutoff(months=months, now=now)
    inactive = inactive_with_contact_details(organisation=organisation, since=since)
    removed = 0
    for _ in range(MAX_BATCHES):
        with transaction.atomic():
            batch = list(inactive.values_list("pk", flat=True)[:BATCH_SIZE])
            if not batch:
                break
            # The conditions are applied again in the UPDATE itself, so a stakeholder
            # edited (or spoken to) since the SELECT keeps their details. The consent goes
            # too: new contact details will need a fresh one.
            removed += inactive.filter(pk__in=batch).update(
                email="",
                phone="",
                address="",
                consent_date=None,
                consent_basis="",
                consent_recorded_by=None,
                contact_details_removed_at=now,
            )
        if len(batch) < BATCH_SIZE:
            break
    if removed:
        # Exports made before now still hold those contact details (reports show none).
        with transaction.atomic():
            stored_files_withdraw(organisation_id=organisation.pk, only=(OrganisationExport,))
        log.info(
            "Retention: removed the contact details of %d stakeholders of organisation %s "
            "(no activity for %d months).",
            removed,
            organisation.pk,
            months,
        )
    return removed
