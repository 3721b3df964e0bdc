"""Data versions: what is computed from an organisation's data is cached under a number
that moves on with every change to that data, never under a time.

A service that changes data a page shows calls `organisation_changed` (or, for a cycle's
data, `cycles.services.versions.cycle_changed`, which calls this too) inside the same
transaction as the change: the new number commits with the data, so the next request
reads the new number and recomputes. A reader that computed from the old data meanwhile
stores its result under the old number, which nobody asks for again.
"""

from django.db.models import F

from t2a.models import Organisation
from t2a.registry import registry, resolve

# Later apps answer here (`app.extend(ORGANISATION_WIDE, "<dotted path>")`) with what moves
# every version they keep for an organisation on: called with the organisation's id,
# inside the change's transaction.
ORGANISATION_WIDE = "t2a.organisation_wide_change"

# How long an entry cached under a version stays: only so that entries of versions nobody
# asks for again leave Redis. Never a freshness limit: a change moves the version on.
VERSIONED_CACHE_SECONDS = 2 * 24 * 3600


def organisation_changed(organisation_id: int) -> None:
    Organisation.objects.filter(pk=organisation_id).update(data_version=F("data_version") + 1)


def organisation_wide_change(organisation_id: int) -> None:
    """A change that may show on any page of the organisation, not one cycle's: a member's
    role or name, a row edited in the Django admin. Moves the organisation's version on,
    and every version the later apps keep under it (each cycle's)."""
    organisation_changed(organisation_id)
    for extension in registry.extensions(ORGANISATION_WIDE):
        resolve(extension.target)(organisation_id)


def organisation_cache_key(organisation: Organisation, name: str) -> str:
    """A cache key for `name` computed from `organisation`'s data at its current version.
    `organisation` must be freshly loaded (the tenancy middleware loads it per request)."""
    return f"org:{organisation.pk}:v{organisation.data_version}:{name}"
