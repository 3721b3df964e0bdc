from django.db import transaction
from django_scopes import scopes_disabled

from cycles.models import Cycle
from cycles.services.versions import cycle_cache_key, cycle_changed
from t2a.models import Organisation


def fresh(cycle: Cycle) -> tuple[int, int]:
    with scopes_disabled():
        cycle = Cycle.objects.get(pk=cycle.pk)
    return cycle.data_version, Organisation.objects.get(pk=cycle.organisation_id).data_version


def test_a_change_moves_the_cycle_and_its_organisation_on(cycle, other_org):
    before = fresh(cycle)
    other_before = other_org.data_version

    cycle_changed(cycle)
    cycle_changed(cycle.pk)  # by id, as a task holding only the id would

    assert fresh(cycle) == (before[0] + 2, before[1] + 2)
    other_org.refresh_from_db()
    assert other_org.data_version == other_before


def test_a_change_rolled_back_leaves_the_version_where_it_was(cycle):
    before = fresh(cycle)
    try:
        with transaction.atomic():
            cycle_changed(cycle)
            raise RuntimeError("the change failed")
    except RuntimeError:
        pass
    assert fresh(cycle) == before


def test_the_cache_key_follows_the_version(cycle):
    first = cycle_cache_key(cycle, "readiness")
    cycle_changed(cycle)
    with scopes_disabled():
        again = Cycle.objects.get(pk=cycle.pk)
    assert cycle_cache_key(again, "readiness") != first
    assert cycle_cache_key(again, "readiness") == cycle_cache_key(again, "readiness")
