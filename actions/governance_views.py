"""The governance dashboards: read-only, per organisation and per cycle.

For the governance board (and the staff who answer to it): actions by status, progress
updates overdue, escalations waiting for a decision (board members record it here, through
the escalation decision view), the trust indicators and, from issue 8, the reports. A board
member sees only the cycles they sit on (`cycles_visible_to`); the organisation page adds
those cycles up.
"""

from collections import defaultdict
from datetime import date

from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from cycles.models import Cycle
from cycles.selectors import cycles_visible_to, get_cycle_for_request
from t2a.tenancy import allowed_by

from . import policies, selectors
from .forms import EscalationDecisionForm
from .indicators import trust_indicators_cached
from .models import Action, ActionStatus

# The dashboard lists the first few rows of each kind with a count of all of them, so its
# cost stays flat however many actions the organisation has.
LIST_LIMIT = 20


def _status_counts(actions: QuerySet[Action]) -> list[tuple[str, str, int]]:
    found = dict(actions.order_by().values_list("status").annotate(n=Count("pk")))
    return [(value, label, found.get(value, 0)) for value, label in ActionStatus.choices]


def _dashboard(request: HttpRequest, cycles: list[Cycle], cycle: Cycle | None) -> dict:
    today: date = timezone.localdate()
    cycle_ids = [c.pk for c in cycles]
    actions = Action.objects.filter(plan__cycle__in=cycle_ids)
    overdue = selectors.actions_overdue_for_update(actions, today=today)
    open_escalations = (
        selectors.escalations_visible_to(request.membership)
        .filter(action__plan__cycle__in=cycle_ids, decided_at__isnull=True)
        .select_related("action__owner")
    )
    can_decide = policies.can_decide_escalations(request.membership)
    escalations = list(open_escalations[:LIST_LIMIT])
    for escalation in escalations:
        # Unique ids per form: several decision forms share the page.
        escalation.form = (
            EscalationDecisionForm(auto_id=f"escalation-{escalation.pk}-%s") if can_decide else None
        )
    overdue_rows = list(
        overdue.select_related("owner", "plan__cycle").order_by("update_due_on", "pk")[:LIST_LIMIT]
    )
    for action in overdue_rows:
        action.days_overdue = (today - action.update_due_on).days
    return {
        "cycle": cycle,
        "cycles": cycles,
        "today": today,
        "status_counts": _status_counts(actions),
        "action_total": actions.count(),
        "overdue": overdue_rows,
        "overdue_total": overdue.count(),
        "escalations": escalations,
        "escalation_total": open_escalations.count(),
        "can_decide": can_decide,
        "ladder": request.organisation,
        "indicators": trust_indicators_cached(
            organisation=request.organisation,
            membership=request.membership,
            cycles=cycles,
            cycle=cycle,
            today=today,
        ),
        "limit": LIST_LIMIT,
    }


def _cycle_rows(cycles: list[Cycle], context: dict, today: date) -> list[dict]:
    """One row per cycle for the organisation page (a fixed number of queries)."""
    cycle_ids = [c.pk for c in cycles]
    overdue = defaultdict(
        int,
        selectors.actions_overdue_for_update(
            Action.objects.filter(plan__cycle__in=cycle_ids), today=today
        )
        .order_by()
        .values_list("plan__cycle_id")
        .annotate(n=Count("pk")),
    )
    closure = context["indicators"].closure_by_cycle
    reach = context["indicators"].reach_by_cycle
    return [
        {
            "cycle": c,
            "overdue": overdue[c.pk],
            "closure": closure[c.pk],
            "reach": reach[c.pk],
        }
        for c in cycles
    ]


@require_GET
@allowed_by(policies.can_view_governance)
def governance(request: HttpRequest) -> HttpResponse:
    cycles = list(cycles_visible_to(request.membership).order_by("title", "pk"))
    context = _dashboard(request, cycles, None)
    context["cycle_rows"] = _cycle_rows(cycles, context, context["today"])
    return render(request, "actions/governance.html", context)


@require_GET
@allowed_by(policies.can_view_governance)
def governance_cycle(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    context = _dashboard(request, [cycle], cycle)
    context["cycle_reach"] = context["indicators"].reach_by_cycle[cycle.pk]
    return render(request, "actions/governance.html", context)
