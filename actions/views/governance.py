"""The governance dashboards: read-only, per organisation and per cycle.

For the governance board (and the staff who answer to it): actions by status, progress
updates overdue, escalations waiting for a decision (board members record it here, through
the escalation decision view), the trust indicators and the reports. A board member sees
only the cycles they sit on (`cycles_visible_to`); the organisation page adds those cycles
up.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from cycles.models import Cycle
from cycles.selectors.cycles import cycles_visible_to, get_cycle_for_request
from t2a.tenancy import allowed_by

from .. import policies
from ..forms.escalations import EscalationDecisionForm
from ..selectors.governance import cycle_rows, governance_dashboard


def _dashboard(request: HttpRequest, cycles: list[Cycle], cycle: Cycle | None) -> dict:
    context = governance_dashboard(
        organisation=request.organisation,
        membership=request.membership,
        cycles=cycles,
        cycle=cycle,
        today=timezone.localdate(),
    )
    can_decide = policies.can_decide_escalations(request.membership)
    for escalation in context["escalations"]:
        # Unique ids per form: several decision forms share the page.
        escalation.form = (
            EscalationDecisionForm(auto_id=f"escalation-{escalation.pk}-%s") if can_decide else None
        )
    return context | {"can_decide": can_decide, "ladder": request.organisation}


@require_GET
@allowed_by(policies.can_view_governance)
def governance(request: HttpRequest) -> HttpResponse:
    cycles = list(cycles_visible_to(request.membership).order_by("title", "pk"))
    context = _dashboard(request, cycles, None)
    context["cycle_rows"] = cycle_rows(cycles, context["indicators"], context["today"])
    return render(request, "actions/governance/governance.html", context)


@require_GET
@allowed_by(policies.can_view_governance)
def governance_cycle(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    context = _dashboard(request, [cycle], cycle)
    context["cycle_reach"] = context["indicators"].reach_by_cycle[cycle.pk]
    return render(request, "actions/governance/governance.html", context)
