"""Views for priorities, the action plan, community sign-off, progress and escalations.

Cycles come through `get_cycle_for_request` and other rows through the selectors'
`get_<x>_for_request`, which only reach rows of cycles the member may see (404 otherwise).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cycles.models import Cycle
from cycles.selectors import cycles_visible_to, get_cycle_for_request
from feedback.selectors import insights_visible_to
from t2a.htmx import error_status
from t2a.models import User
from t2a.tenancy import allowed_by
from t2a.views import add_errors

from . import policies, selectors, services
from .forms import (
    ActionForm,
    EscalationDecisionForm,
    EscalationForm,
    MinApprovalsForm,
    PlanFilterForm,
    PriorityAgreeForm,
    PriorityForm,
    PriorityRankForm,
    ProgressUpdateForm,
    SignOffForm,
)
from .models import Action, ActionStatus, PlanStatus, Priority, ProgressUpdate


def _url(name: str, request: HttpRequest, *args) -> str:
    return reverse(f"actions:{name}", args=[request.organisation.slug, *args])


def _render_form(request, template: str, context: dict, form) -> HttpResponse:
    status = error_status(request) if form.is_bound and form.errors else 200
    return render(request, template, context, status=status)


# --- overview ------------------------------------------------------------------------------


@require_GET
@allowed_by(policies.can_view_plans)
def plan_list(request: HttpRequest) -> HttpResponse:
    cycles = list(cycles_visible_to(request.membership).order_by("-created_at", "-pk"))
    plans = selectors.plans_by_cycle(cycles)
    counts = selectors.action_counts([p.pk for p in plans.values()])
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
    return render(request, "actions/plan_list.html", {"rows": rows})


# --- priorities ----------------------------------------------------------------------------


@require_GET
@allowed_by(policies.can_view_plans)
def priority_list(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    ranked, leads_ranked = selectors.combined_ranking(cycle=cycle)
    leads = selectors.community_leads_of(cycle)
    context = {
        "cycle": cycle,
        "ranked": ranked,
        "leads_ranked": leads_ranked,
        "lead_count": len(leads),
        "agreed": [r for r in ranked if r.priority.agreed_on],
        "can_edit": policies.can_edit_plan(request.membership),
        "can_rank": policies.can_rank_priorities(request.membership)
        and selectors.is_signing_lead(request.membership, cycle),
    }
    return render(request, "actions/priority_list.html", context)


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
    return _render_form(request, "actions/priority_form.html", context, form)


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_edit_plan)
def priority_create(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    return _priority_form(request, get_cycle_for_request(request, cycle_pk), None)


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_edit_plan)
def priority_edit(request: HttpRequest, priority_pk: int) -> HttpResponse:
    priority = selectors.get_priority_for_request(request, priority_pk)
    return _priority_form(request, priority.cycle, priority)


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_rank_priorities)
def priority_rank(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    if not selectors.is_signing_lead(request.membership, cycle):
        raise PermissionDenied
    priorities = list(Priority.objects.filter(cycle=cycle))
    current = selectors.lead_ranking(cycle=cycle, lead=request.user)
    form = PriorityRankForm(
        request.POST if request.method == "POST" else None,
        priorities=priorities,
        current=current,
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
    return _render_form(request, "actions/priority_rank.html", context, form)


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_edit_plan)
def priorities_agree(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    agreed = list(Priority.objects.filter(cycle=cycle, agreed_on__isnull=False))
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
    return _render_form(
        request, "actions/priorities_agree.html", {"cycle": cycle, "form": form}, form
    )


# --- the plan ------------------------------------------------------------------------------


def _plan_context(request: HttpRequest, cycle: Cycle) -> dict:
    plan = selectors.plan_for(cycle)
    owners = User.objects.filter(
        pk__in=Action.objects.filter(plan__cycle=cycle).values("owner_id")
    ).order_by("full_name", "email")
    filters = PlanFilterForm(request.GET or None, owners=owners)
    context = {
        "cycle": cycle,
        "plan": plan,
        "filters": filters,
        "can_edit": policies.can_edit_plan(request.membership),
        "can_sign": selectors.is_signing_lead(request.membership, cycle),
        "statuses": ActionStatus,
    }
    if plan is None:
        return context | {"groups": [], "overdue_updates": [], "total": 0}
    chosen = filters.cleaned_data if filters.is_valid() else {}
    owner = chosen.get("owner")
    groups, overdue_updates = selectors.plan_table(
        plan,
        owner_id=owner.pk if owner else None,
        status=chosen.get("status", ""),
        overdue=chosen.get("overdue", False),
    )
    state = selectors.signoff_state(plan)
    reference, changes = selectors.changes_since_reference(plan)
    return context | {
        "groups": groups,
        "overdue_updates": overdue_updates,
        "shown": sum(len(g.actions) for g in groups),
        "state": state,
        "reference": reference,
        "changes": changes,
    }


@require_GET
@allowed_by(policies.can_view_plans)
def plan_detail(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    plan = selectors.plan_for(cycle)
    if plan is not None and plan.status == PlanStatus.AWAITING_SIGNOFF:
        # A lead taken off the cycle mid-round may leave the approvals already given
        # enough: settle that before showing the state.
        state = selectors.signoff_state(plan)
        if state.met:
            services.action_plan_signoff_refresh(cycle=cycle)
    context = _plan_context(request, cycle)
    template = "actions/plan_detail.html"
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
                    note = " The plan has changed, so it needs a new round of community sign-off."
                messages.success(request, f"Action \u2018{action.title}\u2019 saved.{note}")
        except ValidationError as exc:
            if action is not None and action.pk:
                action.refresh_from_db()
            add_errors(form, exc)
        else:
            return redirect(_url("plan_detail", request, cycle.pk))
    context = {"cycle": cycle, "form": form, "action": action}
    return _render_form(request, "actions/action_form.html", context, form)


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_edit_plan)
def action_create(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    if not Priority.objects.filter(cycle=cycle).exists():
        messages.info(request, "Add the cycle's priorities first: every action serves one.")
        return redirect(_url("priority_list", request, cycle.pk))
    return _action_form(request, cycle, None)


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_edit_plan)
def action_edit(request: HttpRequest, action_pk: int) -> HttpResponse:
    action = selectors.get_action_for_request(request, action_pk)
    return _action_form(request, action.plan.cycle, action)


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_edit_plan)
def action_delete(request: HttpRequest, action_pk: int) -> HttpResponse:
    action = selectors.get_action_for_request(request, action_pk)
    cycle = action.plan.cycle
    if request.method == "POST":
        services.action_delete(action=action, by=request.user)
        messages.success(request, f"Action \u2018{action.title}\u2019 removed from the plan.")
        return redirect(_url("plan_detail", request, cycle.pk))
    return render(request, "actions/action_delete.html", {"cycle": cycle, "action": action})


@require_GET
@allowed_by(policies.can_view_plans)
def action_detail(request: HttpRequest, action_pk: int) -> HttpResponse:
    action = selectors.get_action_for_request(request, action_pk)
    updates = list(selectors.action_updates(action))
    context = {
        "cycle": action.plan.cycle,
        "action": action,
        "updates": updates,
        "escalations": list(selectors.action_escalations(action)),
        "can_edit": policies.can_edit_plan(request.membership),
        "can_progress": policies.can_write_progress_on(request.membership, action),
    }
    return render(request, "actions/action_detail.html", context)


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


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_edit_plan)
def plan_approvals(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    plan = selectors.plan_for(cycle)
    current = plan.min_approvals if plan else None
    form = MinApprovalsForm(
        request.POST if request.method == "POST" else None,
        initial={"rule": "minimum" if current else "all", "min_approvals": current},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.action_plan_set_min_approvals(
                cycle=cycle, by=request.user, min_approvals=form.value()
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Who must approve the plan has been recorded.")
            return redirect(_url("plan_detail", request, cycle.pk))
    context = {
        "cycle": cycle,
        "plan": plan,
        "form": form,
        "leads": selectors.community_leads_of(cycle),
    }
    return _render_form(request, "actions/plan_approvals.html", context, form)


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_sign_off)
def signoff(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    if not selectors.is_signing_lead(request.membership, cycle):
        raise PermissionDenied
    plan = selectors.plan_for(cycle)
    state = selectors.signoff_state(plan) if plan else None
    form = SignOffForm(
        request.POST if request.method == "POST" else None,
        initial={"content_hash": state.round.content_hash if state and state.round else ""},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.signoff_record(
                cycle=cycle,
                membership=request.membership,
                decision=form.cleaned_data["decision"],
                comment=form.cleaned_data["comment"],
                content_hash=form.cleaned_data["content_hash"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if form.cleaned_data["decision"] == "approve":
                messages.success(request, "Thank you. Your approval has been recorded.")
            else:
                messages.success(
                    request, "Thank you. Your request for changes has been sent to the team."
                )
            return redirect(_url("plan_detail", request, cycle.pk))
    groups = []
    mine = None
    if plan is not None:
        groups, _ = selectors.plan_table(plan)
        state = selectors.signoff_state(plan)
        mine = next(
            (s for s in state.approvals + state.change_requests if s.lead_id == request.user.pk),
            None,
        )
    changes = []
    if state is not None and state.is_open:
        changes = selectors.changes_in_round(plan, state.round)
    context = {
        "cycle": cycle,
        "plan": plan,
        "state": state,
        "groups": groups,
        "form": form,
        "mine": mine,
        "changes": changes,
    }
    return _render_form(request, "actions/signoff.html", context, form)


# --- progress and escalations --------------------------------------------------------------


def _progress_allowed(request: HttpRequest, action: Action) -> None:
    if not policies.can_write_progress_on(request.membership, action):
        raise PermissionDenied


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_write_progress)
def progress_update_create(request: HttpRequest, action_pk: int) -> HttpResponse:
    action = selectors.get_action_for_request(request, action_pk)
    _progress_allowed(request, action)
    form = ProgressUpdateForm(
        request.POST if request.method == "POST" else None, initial={"status": action.status}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.progress_update_create(action=action, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Progress update saved.")
            return redirect(_url("action_detail", request, action.pk))
    context = {"cycle": action.plan.cycle, "action": action, "form": form}
    return _render_form(request, "actions/progress_update_form.html", context, form)


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_write_progress)
def escalation_create(request: HttpRequest, action_pk: int) -> HttpResponse:
    action = selectors.get_action_for_request(request, action_pk)
    _progress_allowed(request, action)
    latest: ProgressUpdate | None = action.updates.exclude(barriers="").first()
    form = EscalationForm(
        request.POST if request.method == "POST" else None,
        initial={"reason": latest.barriers if latest else ""},
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
            return redirect(_url("action_detail", request, action.pk))
    context = {"cycle": action.plan.cycle, "action": action, "form": form}
    return _render_form(request, "actions/escalation_form.html", context, form)


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
    escalations = list(selectors.escalations_visible_to(request.membership)[:200])
    context = {
        "open": [e for e in escalations if not e.is_decided],
        "decided": [e for e in escalations if e.is_decided],
        "can_decide": policies.can_decide_escalations(request.membership),
    }
    return render(request, "actions/escalation_list.html", context)


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_decide_escalations)
def escalation_decide(request: HttpRequest, escalation_pk: int) -> HttpResponse:
    escalation = selectors.get_escalation_for_request(request, escalation_pk)
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
            return redirect(_back_to(request) or _url("escalation_list", request))
    context = {
        "escalation": escalation,
        "cycle": escalation.action.plan.cycle,
        "form": form,
        "next": _back_to(request),
    }
    return _render_form(request, "actions/escalation_decide.html", context, form)
