"""Views for the action plan: every cycle's plan, one plan's table, and its actions.

Cycles come through `get_cycle_for_request` and actions through `get_action_for_request`,
which only reach rows of cycles the member may see (404 otherwise).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cycles.models import Cycle
from cycles.selectors.cycles import cycles_visible_to, get_cycle_for_request
from t2a.forms import add_errors
from t2a.htmx import render_form
from t2a.pagecache import page_cached
from t2a.tenancy import allowed_by

from .. import policies
from ..forms.plan import ActionForm, PlanFilterForm
from ..models import Action, ActionPlan, ActionStatus, PlanStatus
from ..selectors.escalations import action_escalations
from ..selectors.measures import action_progress
from ..selectors.plan import (
    action_counts,
    get_action_for_request,
    plan_for,
    plan_owners,
    plan_table,
    plans_by_cycle,
)
from ..selectors.priorities import priorities_of
from ..selectors.progress import action_updates
from ..selectors.signoff import (
    changes_since_reference,
    is_signing_lead,
    signoff_record,
    signoff_state,
    was_signed_off,
)
from ..services import plan as services
from ..services.signoff import action_plan_signoff_refresh


def _url(name: str, request: HttpRequest, *args) -> str:
    return reverse(f"actions:{name}", args=[request.organisation.slug, *args])


@require_GET
@allowed_by(policies.can_view_plans)
def plan_list(request: HttpRequest) -> HttpResponse:
    cycles = list(cycles_visible_to(request.membership).order_by("-created_at", "-pk"))
    plans = plans_by_cycle(cycles)
    counts = action_counts([p.pk for p in plans.values()])
    rows = []
    for cycle in cycles:
        plan = plans.get(cycle.pk)
        rows.append(
            {
                "cycle": cycle,
                "plan": plan,
                "counts": counts.get(plan.pk, {}) if plan else {},
            }
        )
    return render(request, "actions/plan/plan_list.html", {"rows": rows})


def _plan_context(request: HttpRequest, cycle: Cycle, plan: ActionPlan | None = None) -> dict:
    plan = plan or plan_for(cycle)
    if plan is not None:
        plan.cycle = cycle  # loaded already: the selectors below read it
    filters = PlanFilterForm(request.GET or None, owners=plan_owners(cycle))
    context = {
        "cycle": cycle,
        "plan": plan,
        "filters": filters,
        "can_edit": policies.can_edit_plan(request.membership),
        "can_sign": is_signing_lead(request.membership, cycle),
        "statuses": ActionStatus,
    }
    if plan is None:
        return context | {"groups": [], "overdue_updates": [], "total": 0}
    chosen = filters.cleaned_data if filters.is_valid() else {}
    owner = chosen.get("owner")
    groups, overdue_updates = plan_table(
        plan,
        owner_id=owner.pk if owner else None,
        status=chosen.get("status", ""),
        overdue=chosen.get("overdue", False),
    )
    state = signoff_state(plan)
    reference, changes = changes_since_reference(plan)
    return context | {
        "groups": groups,
        "overdue_updates": overdue_updates,
        "shown": sum(len(g.actions) for g in groups),
        "state": state,
        "reference": reference,
        "changes": changes,
        "record": signoff_record(plan),
    }


@require_GET
@allowed_by(policies.can_view_plans)
@page_cached
def plan_detail(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    plan = plan_for(cycle)
    if plan is not None and plan.status == PlanStatus.AWAITING_SIGNOFF:
        # A lead taken off the cycle mid-round may leave the approvals already given
        # enough: settle that before showing the state.
        state = signoff_state(plan)
        if state.met and action_plan_signoff_refresh(cycle=cycle):
            plan = plan_for(cycle)
    context = _plan_context(request, cycle, plan)
    template = "actions/plan/plan_detail.html"
    if request.htmx and not request.htmx.boosted:
        template += "#plan_table"
    return render(request, template, context)


def _action_form(request: HttpRequest, cycle: Cycle, action: Action | None) -> HttpResponse:
    form = ActionForm(
        request.POST if request.method == "POST" else None,
        instance=action,
        cycle=cycle,
        initial={"owner": request.user} if action is None else {},
    )
    if request.method == "POST" and form.is_valid():
        try:
            if action is None:
                action = services.action_create(
                    cycle=cycle, by=request.user, fields=form.action_fields()
                )
                messages.success(request, f"Action \u2018{action.title}\u2019 added to the plan.")
            else:
                was_signed = action.plan.status != PlanStatus.DRAFT
                services.action_update(action=action, by=request.user, fields=form.action_fields())
                action.plan.refresh_from_db()
                note = ""
                if was_signed and action.plan.status == PlanStatus.DRAFT:
                    note = (
                        " The plan has changed, so it needs a new round of community sign-off."
                        " Until the community signs it off, the public page shows the version"
                        " they last agreed, with each action's latest progress."
                    )
                messages.success(request, f"Action \u2018{action.title}\u2019 saved.{note}")
        except ValidationError as exc:
            if action is not None and action.pk:
                action.refresh_from_db()
            add_errors(form, exc)
        else:
            return redirect(_url("plan_detail", request, cycle.pk))
    context = {"cycle": cycle, "form": form, "action": action}
    return render_form(request, "actions/plan/action_form.html", context, form=form)


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_edit_plan)
def action_create(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    if not priorities_of(cycle).exists():
        messages.info(request, "Add the cycle's priorities first: every action serves one.")
        return redirect(_url("priority_list", request, cycle.pk))
    return _action_form(request, cycle, None)


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_edit_plan)
def action_edit(request: HttpRequest, action_pk: int) -> HttpResponse:
    action = get_action_for_request(request, action_pk)
    return _action_form(request, action.plan.cycle, action)


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_edit_plan)
def action_delete(request: HttpRequest, action_pk: int) -> HttpResponse:
    action = get_action_for_request(request, action_pk)
    cycle = action.plan.cycle
    signed = was_signed_off(action)
    if request.method == "POST":
        try:
            services.action_delete(action=action, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(_url("action_detail", request, action.pk))
        messages.success(request, f"Action \u2018{action.title}\u2019 removed from the plan.")
        return redirect(_url("plan_detail", request, cycle.pk))
    return render(
        request,
        "actions/plan/action_delete.html",
        {"cycle": cycle, "action": action, "signed": signed},
    )


@require_GET
@allowed_by(policies.can_view_plans)
def action_detail(request: HttpRequest, action_pk: int) -> HttpResponse:
    action = get_action_for_request(request, action_pk)
    context = {
        "cycle": action.plan.cycle,
        "action": action,
        "updates": list(action_updates(action)),
        "escalations": list(action_escalations(action)),
        "can_edit": policies.can_edit_plan(request.membership),
        "can_progress": policies.can_write_progress_on(request.membership, action),
        "signed": was_signed_off(action),
        "progress": action_progress(action),
    }
    return render(request, "actions/plan/action_detail.html", context)


@require_POST
@allowed_by(policies.can_edit_plan)
def plan_move(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    to = request.POST.get("to", "")
    try:
        plan = services.action_plan_move(cycle=cycle, by=request.user, to=to)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"The plan is now {plan.get_status_display().lower()}.")
    return redirect(_url("plan_detail", request, cycle.pk))
