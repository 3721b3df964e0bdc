"""Views for community sign-off: sending the plan to the community leads, how many must
approve, and a lead's answer."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from cycles.selectors.cycles import get_cycle_for_request
from t2a.forms import add_errors
from t2a.htmx import error_status, render_form
from t2a.tenancy import allowed_by

from .. import policies
from ..forms.signoff import MinApprovalsForm, SignOffForm
from ..models import Decision, PlanStatus
from ..selectors.plan import plan_for, plan_table
from ..selectors.signoff import (
    changes_in_round,
    community_leads_of,
    is_signing_lead,
    plan_rule_text,
    signoff_state,
)
from ..services import signoff as services


def _url(name: str, request: HttpRequest, *args) -> str:
    return reverse(f"actions:{name}", args=[request.organisation.slug, *args])


@require_POST
@allowed_by(policies.can_edit_plan)
def plan_send(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    try:
        signoff_round = services.action_plan_send_for_signoff(cycle=cycle, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            f"Version {signoff_round.version} sent to the community leads for sign-off. "
            "They have been told in T2A and by email.",
        )
    return redirect(_url("plan_detail", request, cycle.pk))


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_edit_plan)
def plan_approvals(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    plan = plan_for(cycle)
    current = plan.min_approvals if plan else None
    form = MinApprovalsForm(
        request.POST if request.method == "POST" else None,
        initial={"rule": "minimum" if current else "all", "min_approvals": current},
    )
    if request.method == "POST" and form.is_valid():
        try:
            resent = services.action_plan_set_min_approvals(
                cycle=cycle, by=request.user, min_approvals=form.value()
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if resent is None:
                messages.success(request, "Who must approve the plan has been recorded.")
            else:
                messages.success(
                    request,
                    f"Who must approve the plan has changed, so version {resent.version - 1} "
                    f"was withdrawn and the same plan sent again as version {resent.version}. "
                    "Answers to the earlier version no longer count: the community leads "
                    "have been asked to answer again.",
                )
            return redirect(_url("plan_detail", request, cycle.pk))
    context = {
        "cycle": cycle,
        "plan": plan,
        "form": form,
        "leads": community_leads_of(cycle),
        "round_open": plan is not None and plan.status == PlanStatus.AWAITING_SIGNOFF,
    }
    return render_form(request, "actions/signoff/plan_approvals.html", context, form=form)


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_sign_off)
def signoff(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    if not is_signing_lead(request.membership, cycle):
        raise PermissionDenied
    plan = plan_for(cycle)
    state = signoff_state(plan) if plan else None
    form = SignOffForm(
        request.POST if request.method == "POST" else None,
        initial={"content_hash": state.round.content_hash if state and state.round else ""},
    )
    plan_changed = ""
    if request.method == "POST" and form.is_valid():
        try:
            services.signoff_record(
                cycle=cycle,
                membership=request.membership,
                decision=form.cleaned_data["decision"],
                comment=form.cleaned_data["comment"],
                content_hash=form.cleaned_data["content_hash"],
            )
        except services.PlanChanged as exc:
            # Show the version to answer now, with a fresh form bound to it.
            plan_changed = " ".join(exc.messages)
            form = SignOffForm(initial={"content_hash": _open_hash(plan)})
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if form.cleaned_data["decision"] == Decision.APPROVE:
                messages.success(request, "Thank you. Your approval has been recorded.")
            else:
                messages.success(
                    request, "Thank you. Your request for changes has been sent to the team."
                )
            return redirect(_url("plan_detail", request, cycle.pk))
    groups = []
    mine = None
    if plan is not None:
        groups, _ = plan_table(plan)
        state = signoff_state(plan)
        mine = next(
            (s for s in state.approvals + state.change_requests if s.lead_id == request.user.pk),
            None,
        )
    changes = []
    if state is not None and state.is_open:
        changes = changes_in_round(plan, state.round)
    context = {
        "cycle": cycle,
        "plan": plan,
        "state": state,
        "groups": groups,
        "form": form,
        "mine": mine,
        "changes": changes,
        "plan_changed": plan_changed,
        "rule": plan_rule_text(plan) if plan else "",
    }
    response = render_form(request, "actions/signoff/signoff.html", context, form=form)
    if plan_changed:
        response.status_code = error_status(request)
    return response


def _open_hash(plan) -> str:
    state = signoff_state(plan) if plan else None
    return state.round.content_hash if state and state.is_open else ""
