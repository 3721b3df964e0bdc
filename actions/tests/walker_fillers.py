"""Tenant-isolation walker fillers for action-plan URL keywords (see tests/walker.py).

Rows hang off the shared walker cycle, so a path with `cycle_pk` and an action's keyword
points at a real child of that cycle.
"""

from django_scopes import scopes_disabled

from actions.models import Action, RippleEffect
from cycles.tests.walker_fillers import walker_cycle
from t2a.models import Organisation

from .builders import make_action, make_effect, make_escalation, make_priority


def _action(org: Organisation) -> Action:
    cycle = walker_cycle(org)
    with scopes_disabled():
        found = Action.objects.filter(plan__cycle=cycle, title="Walker action").first()
    return found or make_action(cycle, "Walker action")


def _effect(org: Organisation) -> RippleEffect:
    cycle = walker_cycle(org)
    with scopes_disabled():
        found = RippleEffect.objects.filter(cycle=cycle, description="Walker effect").first()
    return found or make_effect(cycle, "Walker effect")


FILLERS = {
    "priority_pk": lambda org: str(make_priority(walker_cycle(org), "Walker priority").pk),
    "action_pk": lambda org: str(_action(org).pk),
    "escalation_pk": lambda org: str(make_escalation(_action(org)).pk),
    "ripple_effect_pk": lambda org: str(_effect(org).pk),
}
