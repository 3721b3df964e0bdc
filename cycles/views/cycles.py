"""Views for a cycle itself: the list, creating and editing a cycle, its page and moving it
between stages.

Every view fetches its cycle through `get_cycle_for_request` (404 for cycles the member
may not see).
"""

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods

from t2a.forms import add_errors
from t2a.htmx import render_form
from t2a.pagecache import page_cached
from t2a.services.versions import organisation_cache_key
from t2a.tenancy import allowed_by
from t2a.views.panels import panels

from .. import policies
from ..forms.cycles import CycleFilterForm, CycleForm, StageChangeForm
from ..models import CaseForChange, Cycle, CycleStatus, Stage, StageTransition
from ..selectors import readiness
from ..selectors.closure import CLOSURE_STATUSES, NEXT_ITERATION_FROM, checklist_for
from ..selectors.cycles import cycle_iterations_for_member, cycles_filtered, get_cycle_for_request
from ..selectors.ethics import ethics_log_counts
from ..selectors.inclusion import inclusion_prompts_for
from ..services import cycles as services
from ..services.versions import cycle_cache_key

PAGE_SIZE = 25
PEOPLE = ("community_leads", "governance_members")


def _cycle_url(cycle: Cycle) -> str:
    return reverse("cycles:cycle_detail", args=[cycle.organisation.slug, cycle.pk])


@require_GET
@allowed_by(policies.can_view_cycles)
@page_cached
def cycle_list(request: HttpRequest) -> HttpResponse:
    form = CycleFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    query = _query_without_page(request)
    template = "cycles/cycles/cycle_list.html"
    # The results (a page of rows, each with its readiness) are rendered once per change
    # to the organisation's cycles, per member, filters and page, and per day.
    membership = request.membership
    key = organisation_cache_key(
        request.organisation,
        f"cycle-list:{membership.role}:{membership.user_id}:{timezone.localdate().isoformat()}:"
        + urlencode(sorted(request.GET.lists()), doseq=True),
    )
    results = cache.get(key)
    if results is None:
        cycles = cycles_filtered(membership, **filters)
        page = Paginator(cycles, PAGE_SIZE).get_page(request.GET.get("page"))
        page.object_list = list(page.object_list)
        by_cycle = readiness.current_stage_cached(page.object_list)
        for cycle in page.object_list:
            cycle.readiness = by_cycle[cycle.pk]
        results = render_to_string(
            template + "#cycle_results", {"page": page, "query": query}, request
        )
        cache.set(key, results, readiness.CACHE_SECONDS)
    if request.htmx and not request.htmx.boosted:
        return HttpResponse(results)
    return render(request, template, {"form": form, "query": query, "results": results})


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _cycle_form_save(request: HttpRequest, form: CycleForm, cycle: Cycle | None) -> Cycle | None:
    fields = {k: v for k, v in form.cleaned_data.items() if k not in PEOPLE}
    people = {k: form.cleaned_data[k] for k in PEOPLE}
    try:
        if cycle is None:
            return services.cycle_create(organisation=request.organisation, fields=fields, **people)
        return services.cycle_update(cycle=cycle, fields=fields, **people)
    except ValidationError as exc:
        add_errors(form, exc)
        return None


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_create_cycle)
def cycle_create(request: HttpRequest) -> HttpResponse:
    form = CycleForm(request.POST or None, initial={"lead": request.user})
    if request.method == "POST" and form.is_valid():
        cycle = _cycle_form_save(request, form, None)
        if cycle is not None:
            messages.success(
                request, f"Cycle “{cycle.title}” created. Start with its case for change."
            )
            return redirect(_cycle_url(cycle))
    return render_form(request, "cycles/cycles/cycle_form.html", {"form": form}, form=form)


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_edit_cycle)
def cycle_edit(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    form = CycleForm(request.POST or None, instance=cycle)
    saved = request.method == "POST" and form.is_valid() and _cycle_form_save(request, form, cycle)
    if saved:
        messages.success(request, "Cycle details saved.")
        return redirect(_cycle_url(cycle))
    context = {"form": form, "cycle": cycle}
    return render_form(request, "cycles/cycles/cycle_form.html", context, form=form)


def _cycle_detail_data(cycle: Cycle) -> dict:
    """What the cycle page shows of the cycle's own data, computed once per change to it
    (and per day: ethics reviews fall overdue) and read from the cache otherwise."""
    today = timezone.localdate()
    key = cycle_cache_key(cycle, f"detail:{today.isoformat()}")
    data = cache.get(key)
    if data is None:
        order = ("full_name", "email")
        data = {
            "community_leads": list(cycle.community_leads.order_by(*order)),
            "governance_members": list(cycle.governance_members.order_by(*order)),
            "transitions": list(
                StageTransition.objects.filter(cycle=cycle).select_related("moved_by")
            ),
            "case": CaseForChange.objects.filter(cycle=cycle).first(),
            "ethics": ethics_log_counts(cycle, today=today),
            "checklist": checklist_for(cycle) if cycle.status in CLOSURE_STATUSES else None,
        }
        cache.set(key, data, readiness.CACHE_SECONDS)
    return data


@require_GET
@allowed_by(policies.can_view_cycles)
@page_cached
def cycle_detail(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    by_stage = readiness.evaluate_cached(cycle)
    stages = [{"number": s.value, "label": s.label, "readiness": by_stage[s.value]} for s in Stage]
    iterations = cycle_iterations_for_member(request.membership, cycle)
    manage_closure = policies.can_edit_closure(request.membership)
    context = {
        **_cycle_detail_data(cycle),
        "cycle": cycle,
        "stages": stages,
        "can_edit": policies.can_edit_cycle(request.membership),
        "iterations": iterations,
        # A draft has not started yet: point to closing only once the cycle is active.
        "can_start_closing": manage_closure and cycle.status == CycleStatus.ACTIVE,
        "can_start_next": policies.can_start_next_iteration(request.membership)
        and cycle.status in NEXT_ITERATION_FROM
        and iterations["next"] is None,
        "panels": panels(
            request,
            "cycle",
            cycle,
            version_key=cycle_cache_key(cycle, "page"),
            page_context={"cycle": cycle},
        ),
    }
    return render(request, "cycles/cycles/cycle_detail.html", context)


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_change_stage)
def cycle_stage_change(request: HttpRequest, cycle_pk: int, direction: str) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    advancing = direction == "advance"
    to_stage = cycle.current_stage + (1 if advancing else -1)
    if not 1 <= to_stage <= 5:
        messages.error(
            request,
            "This cycle is at its last stage."
            if advancing
            else "This cycle is at its first stage.",
        )
        return redirect(_cycle_url(cycle))
    current = readiness.evaluate(cycle, stages=[cycle.current_stage])[cycle.current_stage]
    unmet = current.unmet if advancing else []
    form = StageChangeForm(
        request.POST or None,
        initial={"from_stage": cycle.current_stage},
        advancing=advancing,
        unmet=unmet,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        changed = data.get("inclusion_changed")
        try:
            services.cycle_change_stage(
                cycle=cycle,
                from_stage=data["from_stage"],
                to_stage=data["from_stage"] + (1 if advancing else -1),
                by=request.user,
                reason=data["reason"],
                inclusion_prompts_changed=None if changed is None else changed == "yes",
                inclusion_prompts_note=data.get("inclusion_note", ""),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                f"{cycle.title} is now at stage {cycle.current_stage}: {cycle.stage_label}.",
            )
            return redirect(_cycle_url(cycle))
    context = {
        "cycle": cycle,
        "form": form,
        "advancing": advancing,
        "to_stage": Stage(to_stage),
        "current": current,
        "prompts": inclusion_prompts_for(cycle) if advancing else None,
    }
    return render_form(request, "cycles/cycles/stage_change.html", context, form=form)
