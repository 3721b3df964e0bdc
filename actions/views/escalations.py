"""Views for escalations: raising a barrier with the governance board, the board's list,
and its decision (also recorded from the governance dashboard)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods

from t2a.forms import add_errors
from t2a.htmx import render_form
from t2a.tenancy import allowed_by

from .. import policies
from ..forms.escalations import EscalationDecisionForm, EscalationForm
from ..selectors.escalations import escalations_visible_to, get_escalation_for_request
from ..selectors.plan import get_action_for_request
from ..selectors.progress import latest_barriers
from ..services import escalations as services


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_write_progress)
def escalation_create(request: HttpRequest, action_pk: int) -> HttpResponse:
    action = get_action_for_request(request, action_pk)
    if not policies.can_write_progress_on(request.membership, action):
        raise PermissionDenied
    form = EscalationForm(
        request.POST if request.method == "POST" else None,
        initial={"reason": latest_barriers(action)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.escalation_raise(
                action=action, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Escalated to the governance board.")
            return redirect(
                reverse("actions:action_detail", args=[request.organisation.slug, action.pk])
            )
    context = {"cycle": action.plan.cycle, "action": action, "form": form}
    return render_form(request, "actions/escalations/escalation_form.html", context, form=form)


def _back_to(request: HttpRequest) -> str:
    """A `next` page on this site, for forms posted from another page (the dashboard)."""
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


@require_GET
@allowed_by(policies.can_view_escalations)
def escalation_list(request: HttpRequest) -> HttpResponse:
    escalations = list(escalations_visible_to(request.membership)[:200])
    context = {
        "open": [e for e in escalations if not e.is_decided],
        "decided": [e for e in escalations if e.is_decided],
        "can_decide": policies.can_decide_escalations(request.membership),
    }
    return render(request, "actions/escalations/escalation_list.html", context)


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_decide_escalations)
def escalation_decide(request: HttpRequest, escalation_pk: int) -> HttpResponse:
    escalation = get_escalation_for_request(request, escalation_pk)
    form = EscalationDecisionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.escalation_decide(
                escalation=escalation, by=request.user, decision=form.cleaned_data["decision"]
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "The board's decision has been recorded.")
            return redirect(
                _back_to(request)
                or reverse("actions:escalation_list", args=[request.organisation.slug])
            )
    context = {
        "escalation": escalation,
        "cycle": escalation.action.plan.cycle,
        "form": form,
        "next": _back_to(request),
    }
    return render_form(request, "actions/escalations/escalation_decide.html", context, form=form)
