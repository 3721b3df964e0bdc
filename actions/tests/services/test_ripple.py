"""The ripple-effect map's rules, held by the services whatever the form lets through."""

import pytest
from django.core.exceptions import ValidationError
from django_scopes import scope, scopes_disabled

from actions.models import RippleEffect
from actions.selectors.ripple import MAX_DEPTH
from actions.services.ripple import ripple_effect_save
from cycles.tests.builders import make_cycle
from t2a.models import Role

from ..builders import make_action, make_effect

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_cycle(org, users):
    return make_cycle(org, "Diabetes in Eastside", lead=users[Role.ENGAGEMENT_LEAD])


def test_the_services_hold_the_rules_without_the_form(org, cycle, other_cycle):
    root = make_effect(cycle, "Root")
    child = make_effect(cycle, "Child", parent=root)
    foreign = make_effect(other_cycle, "Elsewhere")
    with scope(organisation=org.pk):
        for effect, field in (
            (RippleEffect(cycle=cycle, description="New", level="system",
                          parent=foreign), "parent"),
            (RippleEffect(cycle=cycle, description="New", level="system",
                          action=make_action(other_cycle, "Foot checks")), "action"),
            (RippleEffect(cycle=cycle, description="root", level="system"), "description"),
        ):  # fmt: skip
            with pytest.raises(ValidationError) as raised:
                ripple_effect_save(effect=effect, by=None)
            assert field in raised.value.error_dict
        root.parent = child
        with pytest.raises(ValidationError) as raised:
            ripple_effect_save(effect=root, by=None)
        assert "cannot grow out of itself" in str(raised.value)


def test_the_map_is_at_most_five_levels_deep(org, cycle):
    parent = None
    for n in range(MAX_DEPTH):
        parent = make_effect(cycle, f"Level {n}", parent=parent)
    with scope(organisation=org.pk):
        with pytest.raises(ValidationError, match="at most 5 levels"):
            ripple_effect_save(
                effect=RippleEffect(cycle=cycle, description="Too deep", level="system",
                                    parent=parent),
                by=None,
            )  # fmt: skip
        # Moving a two-level branch under level 3 would make six levels.
        branch = make_effect(cycle, "Branch")
        make_effect(cycle, "Branch child", parent=branch)
        with scopes_disabled():
            level3 = RippleEffect.objects.get(description="Level 3")
        branch.parent = level3
        with pytest.raises(ValidationError, match="at most 5 levels"):
            ripple_effect_save(effect=branch, by=None)
