"""The governance dashboards: read-only, per organisation and per cycle.

For the governance board (and the staff who answer to it): actions by status, progress
updates overdue, escalations waiting for a decision (board members record it here, through
the escalation decision view), the trust indicators and the reports. A board member sees
only the cycles they sit on (`cycles_visible_to`); the organisation page adds those cycles
up.
"""

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from cycles.models import Cycle
from cycles.selectors.cycles import cycles_visible_to, get_cycle_for_request
from t2a.pagecache import page_cached
from t2a.services.versions import organisation_cache_key
from t2a.tenancy import allowed_by

from .. import policies
from ..forms.escalations import EscalationDecisionForm
from ..selectors.governance import cycle_rows, governance_dashboard

# Entries are named by the organisation's data version: the timeout only lets old ones go.
CACHE_SECONDS = 2 * 24 * 3600


def _with_urls(slug: str, context: dict) -> dict:
    """Each listed row's links, made once when the dashboard is computed rather than by a
    `{% url %}` per row on every request."""
    for escalation in context["escalations"]:
        escalation.action_url = reverse("actions:action_detail", args=[slug, escalation.action_id])
        escalation.decide_url = reverse("actions:escalation_decide", args=[slug, escalation.pk])
    for action in context["overdue"]:
        action.url = reverse("actions:action_detail", args=[slug, action.pk])
        action.cycle_url = reverse("actions:governance_cycle", args=[slug, action.plan.cycle_id])
    for action in context["measured"]:
        action.url = reverse("actions:action_detail", args=[slug, action.pk])
    for row in context.get("cycle_rows", ()):
        pk = row["cycle"].pk
        row["url"] = reverse("actions:governance_cycle", args=[slug, pk])
        row["insight_url"] = reverse("feedback:insight_list", args=[slug, pk])
        row["listening_url"] = reverse("feedback:cycle", args=[slug, pk])
        row["reports_url"] = reverse("cycles:report_list", args=[slug, pk])
    return context


def _dashboard(request: HttpRequest, cycles: list[Cycle] | None, cycle: Cycle | None) -> dict:
    """The dashboard of `cycle`, or of the member's cycles (`cycles` None), computed once per
    change to the organisation's data (and per day), per member."""
    organisation, membership = request.organisation, request.membership
    today = timezone.localdate()
    key = organisation_cache_key(
        organisation,
        f"governance:{cycle.pk if cycle else 'all'}:{membership.role}:{membership.user_id}:"
        f"{today.isoformat()}",
    )
    context = cache.get(key)
    if context is None:
        if cycle is None:
            cycles = list(cycles_visible_to(membership).order_by("title", "pk"))
        context = governance_dashboard(
            organisation=organisation,
            membership=membership,
            cycles=cycles,
            cycle=cycle,
            today=today,
        )
        if cycle is None:
            context["cycle_rows"] = cycle_rows(cycles, context["indicators"], today)
        else:
            context["cycle_reach"] = context["indicators"].reach_by_cycle[cycle.pk]
        context = _with_urls(organisation.slug, context)
        cache.set(key, context, CACHE_SECONDS)
    can_decide = policies.can_decide_escalations(membership)
    for escalation in context["escalations"]:
        # Unique ids per form: several decision forms share the page.
        escalation.form = (
            EscalationDecisionForm(auto_id=f"escalation-{escalation.pk}-%s") if can_decide else None
        )
    return context | {"can_decide": can_decide, "ladder": request.organisation}


@require_GET
@allowed_by(policies.can_view_governance)
@page_cached
def governance(request: HttpRequest) -> HttpResponse:
    context = _dashboard(request, None, None)
    return render(request, "actions/governance/governance.html", context)


@require_GET
@allowed_by(policies.can_view_governance)
@page_cached
def governance_cycle(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    context = _dashboard(request, [cycle], cycle)
    return render(request, "actions/governance/governance.html", context)
