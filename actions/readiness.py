"""Stage readiness items that the action plan makes measurable (see cycles/readiness.py).

Each answers for many cycles with one query: `measure(cycles) -> {cycle_pk: met}`.
"""

from collections.abc import Sequence

from .models import SIGNED_STATUSES, ActionPlan


def action_plan_signed_off(cycles: Sequence) -> dict[int, bool]:
    """The cycle's plan has been signed off by its community leads, and not edited since.

    Any edit to the plan's content returns it to draft (services._content_changed), so
    the plan's status is enough.
    """
    signed = set(
        ActionPlan.objects.filter(
            cycle__in=[c.pk for c in cycles], status__in=SIGNED_STATUSES
        ).values_list("cycle_id", flat=True)
    )
    return {c.pk: c.pk in signed for c in cycles}
