"""The cycles app's models: the constraints the database keeps whatever the code does."""

import pytest
from django.db import IntegrityError
from django_scopes import scopes_disabled

from cycles.models import Cycle
from cycles.tests.builders import make_cycle

pytestmark = pytest.mark.django_db


def link(cycle: Cycle, previous: Cycle) -> None:
    with scopes_disabled():
        Cycle.objects.filter(pk=cycle.pk).update(previous_iteration=previous)
        cycle.refresh_from_db()


def test_a_cycle_is_not_its_own_previous_iteration(org):
    cycle = make_cycle(org)
    with pytest.raises(IntegrityError), scopes_disabled():
        Cycle.objects.filter(pk=cycle.pk).update(previous_iteration=cycle)


def test_a_cycle_has_at_most_one_next_iteration(org):
    first = make_cycle(org, slug="first")
    link(make_cycle(org, slug="second"), first)
    third = make_cycle(org, slug="third")
    with pytest.raises(IntegrityError), scopes_disabled():
        Cycle.objects.filter(pk=third.pk).update(previous_iteration=first)
