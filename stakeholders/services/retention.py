"""Retention: remove the contact details of stakeholders with no activity for N months.

Who counts as inactive is read in selectors/retention.py. The sweep is idempotent: it only
selects stakeholders who still have contact details, and removing them is what takes a
stakeholder out of the selection.
"""

import logging
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from t2a.models import Organisation, OrganisationExport
from t2a.services.export import stored_files_withdraw

from ..selectors.retention import inactive_with_contact_details, retention_cutoff

log = logging.getLogger(__name__)

# Rows updated per statement, and statements per run: a large backlog is worked off over
# a few daily runs rather than holding locks on thousands of rows at once.
BATCH_SIZE = 500
MAX_BATCHES = 40


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
