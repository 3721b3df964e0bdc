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
        if isinstance(cycle, Cycle):
            # The same request may read the cycle's cached pages after the change.
            cycle.refresh_from_db(fields=["data_version"])
    if organisation_id is not None:
        organisation_changed(organisation_id)


def cycle_cache_key(cycle: Cycle, name: str) -> str:
    """A cache key for `name` computed from `cycle`'s data at its current version. `cycle`
    must be loaded in this request (views load it through the cycle selector)."""
    return f"cycle:{cycle.pk}:v{cycle.data_version}:{name}"


def organisation_cycles_changed(organisation_id: int) -> None:
    """Move every cycle of the organisation on (one query), for a change that reaches
    across its cycles: a stakeholder's details, a community lead's training, an erasure."""
    with scopes_disabled():
        Cycle.objects.filter(organisation_id=organisation_id).update(
            data_version=F("data_version") + 1
        )
    organisation_changed(organisation_id)


def cycles_changed(organisation_id: int, cycle_ids) -> None:
    """`cycle_changed` for many cycles of one organisation at once (one query for the
    cycles, whatever their number)."""
    with scopes_disabled():
        Cycle.objects.filter(organisation_id=organisation_id, pk__in=cycle_ids).update(
            data_version=F("data_version") + 1
        )
    organisation_changed(organisation_id)
