"""Reads for the governance dashboards, per organisation and per cycle: actions by status,
progress updates overdue, escalations waiting for a decision, the trust indicators and
the progress of actions measured by a number.

The dashboard lists the first few rows of each kind with a count of all of them, so its
cost stays flat however many actions the organisation has.
"""

from collections import defaultdict
from datetime import date

from django.db.models import Count, QuerySet

from cycles.models import Cycle
from t2a.models import Membership, Organisation

from ..models import Action, ActionStatus, MeasureKind
from .escalations import escalations_visible_to
from .indicators import TrustIndicators, trust_indicators_cached
from .measures import measured_progress, readings_by_action
from .progress import actions_overdue_for_update

LIST_LIMIT = 20


def status_counts(actions: QuerySet[Action]) -> list[tuple[str, str, int]]:
    """(status, label, how many actions) for every status, in the statuses' order."""
    found = dict(actions.order_by().values_list("status").annotate(n=Count("pk")))
    return [(value, label, found.get(value, 0)) for value, label in ActionStatus.choices]


def governance_dashboard(
    *,
    organisation: Organisation,
    membership: Membership,
    cycles: list[Cycle],
    cycle: Cycle | None,
    today: date,
) -> dict:
    """What a dashboard shows of `cycles` (one `cycle`, or None for the organisation)."""
    cycle_ids = [c.pk for c in cycles]
    actions = Action.objects.filter(plan__cycle__in=cycle_ids)
    overdue = actions_overdue_for_update(actions, today=today)
    open_escalations = (
        escalations_visible_to(membership)
        .filter(action__plan__cycle__in=cycle_ids, decided_at__isnull=True)
        .select_related("action__owner")
    )
    overdue_rows = list(
        overdue.select_related("owner", "plan__cycle").order_by("update_due_on", "pk")[:LIST_LIMIT]
    )
    for action in overdue_rows:
        action.days_overdue = (today - action.update_due_on).days
    numeric = actions.filter(measure_kind=MeasureKind.NUMERIC)
    measured = list(numeric.select_related("plan__cycle").order_by("due_date", "pk")[:LIST_LIMIT])
    readings = readings_by_action(a.pk for a in measured) if measured else {}
    for action in measured:
        action.progress = measured_progress(action, readings.get(action.pk, []))
    return {
        "cycle": cycle,
        "cycles": cycles,
        "today": today,
        "status_counts": status_counts(actions),
        "action_total": actions.count(),
        "overdue": overdue_rows,
        "overdue_total": overdue.count(),
        "measured": measured,
        "measured_total": numeric.count() if len(measured) == LIST_LIMIT else len(measured),
        "escalations": list(open_escalations[:LIST_LIMIT]),
        "escalation_total": open_escalations.count(),
        "indicators": trust_indicators_cached(
            organisation=organisation,
            membership=membership,
            cycles=cycles,
            cycle=cycle,
            today=today,
        ),
        "limit": LIST_LIMIT,
    }


def cycle_rows(cycles: list[Cycle], indicators: TrustIndicators, today: date) -> list[dict]:
    """One row per cycle for the organisation page (a fixed number of queries)."""
    cycle_ids = [c.pk for c in cycles]
    overdue = defaultdict(
        int,
        actions_overdue_for_update(Action.objects.filter(plan__cycle__in=cycle_ids), today=today)
        .order_by()
        .values_list("plan__cycle_id")
        .annotate(n=Count("pk")),
    )
    closure = indicators.closure_by_cycle
    reach = indicators.reach_by_cycle
    return [
        {
            "cycle": c,
            "overdue": overdue[c.pk],
            "closure": closure[c.pk],
            "reach": reach[c.pk],
        }
        for c in cycles
    ]
