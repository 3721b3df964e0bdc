"""A cycle's data version (see t2a.services.versions): every service of any app that
changes what a page shows about a cycle calls `cycle_changed` in the same transaction."""

from django.db.models import F
from django_scopes import scopes_disabled

from cycles.models import Cycle
from t2a.services.versions import organisation_changed


def cycle_changed(cycle: Cycle | int) -> None:
    """Move the cycle's version on, and its organisation's (whose home and dashboards
    aggregate its cycles). Safe to call more than once in a change."""
    # By primary key, so the same from a request (scoped) or a task (not).
    with scopes_disabled():
        if isinstance(cycle, Cycle):
            cycle_id, organisation_id = cycle.pk, cycle.organisation_id
        else:
            cycle_id = cycle
            organisation_id = (
                Cycle.objects.filter(pk=cycle_id).values_list("organisation_id", flat=True).first()
            )
        Cycle.objects.filter(pk=cycle_id).update(data_version=F("data_version") + 1)
    if organisation_id is not None:
        organisation_changed(organisation_id)


def cycle_cache_key(cycle: Cycle, name: str) -> str:
    """A cache key for `name` computed from `cycle`'s data at its current version. `cycle`
    must be loaded in this request (views load it through the cycle selector)."""
    return f"cycle:{cycle.pk}:v{cycle.data_version}:{name}"
