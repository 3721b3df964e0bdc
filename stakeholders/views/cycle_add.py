"""Putting stakeholders on a cycle's map from the cycle's own pages: ticking many from the
register at once (this view), or adding a new one straight into the cycle (the register's
"add a stakeholder" form with `?cycle=`, views/stakeholders.py)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from cycles.models import Cycle
from cycles.selectors.cycles import get_cycle_for_request
from t2a.htmx import render_form
from t2a.tenancy import allowed_by

from .. import policies
from ..forms.stakeholders import CycleStakeholdersAddForm
from ..selectors.stakeholders import cycle_link_candidates, stakeholder_search
from ..services.stakeholders import cycle_stakeholders_link

SHOWN = 100
# The cycle pages a member may come back to, by the name given in `?back=`.
BACK_PAGES = {"grid": "stakeholders:cycle_grid", "trusted": "stakeholders:cycle_trusted"}


def back_page(request: HttpRequest) -> str:
    back = request.POST.get("back") or request.GET.get("back")
    return back if back in BACK_PAGES else "grid"


def back_to_cycle(request: HttpRequest, cycle: Cycle, back: str) -> HttpResponse:
    return redirect(BACK_PAGES[back], request.organisation.slug, cycle.pk)


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_edit_stakeholders)
def cycle_stakeholders_add(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    """Search the register, tick, add: every ticked stakeholder joins the map in one go."""
    cycle = get_cycle_for_request(request, cycle_pk)
    back = back_page(request)
    candidates = cycle_link_candidates(cycle=cycle, membership=request.membership)
    query = request.GET.get("q", "").strip()[:200]
    form = CycleStakeholdersAddForm(
        request.POST if request.method == "POST" else None, candidates=candidates
    )
    if form.is_bound and form.is_valid():
        links = cycle_stakeholders_link(
            cycle=cycle,
            stakeholders=form.cleaned_data["stakeholders"],
            role=form.cleaned_data["role"],
        )
        count = len(links)
        messages.success(
            request,
            f"{count} stakeholder{'s' if count != 1 else ''} added to the map for {cycle.title}.",
        )
        return back_to_cycle(request, cycle, back)
    shown = list(stakeholder_search(candidates, query=query).only("pk", "name")[: SHOWN + 1])
    ticked = {str(v) for v in form["stakeholders"].value() or []} if form.is_bound else set()
    return render_form(
        request,
        "stakeholders/cycle_add/cycle_stakeholders_add.html",
        {
            "cycle": cycle,
            "form": form,
            "query": query,
            "back": back,
            "shown": shown[:SHOWN],
            "more": len(shown) > SHOWN,
            "ticked": ticked,
        },
        form=form,
    )
