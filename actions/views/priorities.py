"""Views for a cycle's priorities: the combined ranking, drawing one up, a community lead's
ranking and the agreed set."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from cycles.models import Cycle
from cycles.selectors.cycles import get_cycle_for_request
from feedback.selectors.insight import insights_visible_to
from t2a.forms import add_errors
from t2a.htmx import render_form
from t2a.tenancy import allowed_by

from .. import policies
from ..forms.priorities import PriorityAgreeForm, PriorityForm, PriorityRankForm
from ..models import Priority
from ..selectors.priorities import (
    agreed_priorities,
    combined_ranking,
    get_priority_for_request,
    lead_ranking,
    priorities_of,
)
from ..selectors.signoff import community_leads_of, is_signing_lead
from ..services import priorities as services


def _url(name: str, request: HttpRequest, *args) -> str:
    return reverse(f"actions:{name}", args=[request.organisation.slug, *args])


@require_GET
@allowed_by(policies.can_view_plans)
def priority_list(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    ranked, leads_ranked = combined_ranking(cycle=cycle)
    leads = community_leads_of(cycle)
    context = {
        "cycle": cycle,
        "ranked": ranked,
        "leads_ranked": leads_ranked,
        "lead_count": len(leads),
        "agreed": [r for r in ranked if r.priority.agreed_on],
        "can_edit": policies.can_edit_plan(request.membership),
        "can_rank": policies.can_rank_priorities(request.membership)
        and is_signing_lead(request.membership, cycle),
    }
    return render(request, "actions/priorities/priority_list.html", context)


def _priority_form(request: HttpRequest, cycle: Cycle, priority: Priority | None) -> HttpResponse:
    initial = {}
    if priority is not None:
        initial = {
            "title": priority.title,
            "description": priority.description,
            "themes": list(priority.themes.all()),
            "insights": list(priority.insights.all()),
        }
    form = PriorityForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        cycle=cycle,
        insights=insights_visible_to(request.membership),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if priority is None:
                priority = services.priority_create(cycle=cycle, by=request.user, **data)
                messages.success(request, f"Priority \u2018{priority.title}\u2019 added.")
            else:
                services.priority_update(priority=priority, by=request.user, **data)
                messages.success(request, f"Priority \u2018{priority.title}\u2019 saved.")
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return redirect(_url("priority_list", request, cycle.pk))
    context = {"cycle": cycle, "form": form, "priority": priority}
    return render_form(request, "actions/priorities/priority_form.html", context, form=form)


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_edit_plan)
def priority_create(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    return _priority_form(request, get_cycle_for_request(request, cycle_pk), None)


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_edit_plan)
def priority_edit(request: HttpRequest, priority_pk: int) -> HttpResponse:
    priority = get_priority_for_request(request, priority_pk)
    return _priority_form(request, priority.cycle, priority)


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_rank_priorities)
def priority_rank(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    if not is_signing_lead(request.membership, cycle):
        raise PermissionDenied
    priorities = list(priorities_of(cycle))
    form = PriorityRankForm(
        request.POST if request.method == "POST" else None,
        priorities=priorities,
        current=lead_ranking(cycle=cycle, lead=request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.priority_rank(cycle=cycle, lead=request.user, order=form.ordered())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Your ranking has been saved.")
            return redirect(_url("priority_list", request, cycle.pk))
    context = {"cycle": cycle, "form": form, "priorities": priorities}
    return render_form(request, "actions/priorities/priority_rank.html", context, form=form)


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_edit_plan)
def priorities_agree(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    agreed = agreed_priorities(cycle)
    form = PriorityAgreeForm(
        request.POST if request.method == "POST" else None,
        cycle=cycle,
        initial={"priorities": agreed, "agreed_on": agreed[0].agreed_on if agreed else None},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.priorities_agree(cycle=cycle, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "The agreed priorities have been recorded.")
            return redirect(_url("priority_list", request, cycle.pk))
    context = {"cycle": cycle, "form": form}
    return render_form(request, "actions/priorities/priorities_agree.html", context, form=form)
