"""Responsible closure and repeating the cycle: the closure checklist page, recording its
steps (htmx in place, or a page of its own without JavaScript), closing, and starting the
next iteration.

Every view fetches its cycle through `get_cycle_for_request` (404 for cycles the member
may not see); the services decide what the cycle's status allows.
"""

import re

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from t2a.forms import add_errors
from t2a.htmx import render_form, render_section
from t2a.tenancy import allowed_by

from .. import policies
from ..forms.closure import ClosureItemForm, NextIterationForm
from ..models import ClosureItemKey, Cycle, CycleStatus
from ..selectors.closure import NEXT_ITERATION_FROM, checklist_for, next_iteration_preview
from ..selectors.cycles import cycle_iterations, get_cycle_for_request
from ..services import closure as services


def _url(cycle: Cycle, name: str, *args) -> str:
    return reverse(f"cycles:{name}", args=[cycle.organisation.slug, cycle.pk, *args])


def _closure_context(request: HttpRequest, cycle: Cycle, **extra) -> dict:
    checklist = checklist_for(cycle)
    manage = policies.can_edit_closure(request.membership)
    return {
        "cycle": cycle,
        "checklist": checklist,
        "can_start_closing": manage and cycle.status in (CycleStatus.DRAFT, CycleStatus.ACTIVE),
        "can_edit": manage and cycle.status == CycleStatus.CLOSING,
        "can_start_next": policies.can_start_next_iteration(request.membership)
        and cycle.status in NEXT_ITERATION_FROM
        and checklist.next_cycle is None,
        "errors": extra.pop("errors", []),
        **extra,
    }


def _closure_response(
    request: HttpRequest, cycle: Cycle, *, errors: list[str] | None = None, **extra
) -> HttpResponse:
    return render_section(
        request,
        "cycles/closure/closure.html",
        _closure_context(request, cycle, errors=errors, **extra),
        partial="closure_body",
        target="#closure-body",
        errors=bool(errors),
    )


@require_GET
@allowed_by(policies.can_view_closure)
def closure_checklist(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    return _closure_response(request, cycle)


@require_POST
@allowed_by(policies.can_edit_closure)
def closure_start(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    try:
        services.cycle_start_closing(cycle=cycle, by=request.user)
    except ValidationError as exc:
        return _closure_response(request, cycle, errors=exc.messages)
    messages.success(
        request,
        f"{cycle.title} is now closing. Work through the closure checklist before you close it.",
    )
    return redirect(_url(cycle, "closure"))


def _closure_key(closure_key: str) -> str:
    if closure_key not in ClosureItemKey.values:
        raise Http404("No such closure step.")
    return closure_key


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_edit_closure)
def closure_item_edit(request: HttpRequest, cycle_pk: int, closure_key: str) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    key = _closure_key(closure_key)
    if cycle.status != CycleStatus.CLOSING:
        messages.info(
            request,
            "This cycle is closed, so its checklist can no longer change."
            if cycle.status == CycleStatus.CLOSED
            else "The closure checklist opens when the cycle moves to closing.",
        )
        target = _url(cycle, "closure")
        return HttpResponseClientRedirect(target) if request.htmx else redirect(target)
    checklist = checklist_for(cycle)
    item = checklist.item(key)
    form = ClosureItemForm(
        request.POST if request.method == "POST" else None,
        key=key,
        initial={"state": item.recorded_state, "note": item.note},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.closure_item_update(
                cycle=cycle,
                key=key,
                state=form.cleaned_data["state"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if request.htmx:
                return _closure_response(request, cycle)
            messages.success(request, f"Saved: {item.label.lower()}.")
            return redirect(_url(cycle, "closure") + f"#closure-item-{key}")
    template = "cycles/closure/closure_item_form.html"
    if request.htmx:
        template += "#closure_item_form"
    context = {"cycle": cycle, "item": item, "checklist": checklist, "form": form}
    return render_form(request, template, context, form=form)


@require_POST
@allowed_by(policies.can_edit_closure)
def cycle_close(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    try:
        services.cycle_close(cycle=cycle, by=request.user)
    except ValidationError as exc:
        return _closure_response(request, cycle, errors=exc.messages)
    messages.success(request, f"{cycle.title} is closed.")
    if request.htmx:
        return HttpResponseClientRedirect(_url(cycle, "cycle_detail"))
    return redirect(_url(cycle, "cycle_detail"))


ITERATION_SUFFIX = re.compile(r"\s*\(iteration \d+\)$", re.IGNORECASE)


def _suggested_title(cycle: Cycle, number: int) -> str:
    base = ITERATION_SUFFIX.sub("", cycle.title)
    suffix = f" (iteration {number})"
    return base[: 200 - len(suffix)] + suffix


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_start_next_iteration)
def next_iteration(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    chain = cycle_iterations(cycle)
    position = next(i for i, c in enumerate(chain) if c.pk == cycle.pk)
    following = chain[position + 1] if position + 1 < len(chain) else None
    form = NextIterationForm(
        request.POST if request.method == "POST" else None,
        initial={"title": _suggested_title(cycle, position + 2)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            new = services.cycle_start_next_iteration(
                cycle=cycle,
                by=request.user,
                title=form.cleaned_data["title"],
                start_date=form.cleaned_data["start_date"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                f"“{new.title}” started as the next iteration of {cycle.title}. It is a draft "
                "at stage 1: start with its case for change.",
            )
            return redirect(_url(new, "cycle_detail"))
    checklist = checklist_for(cycle)
    context = {
        "cycle": cycle,
        "checklist": checklist,
        "form": form,
        "following": following,
        "allowed": cycle.status in NEXT_ITERATION_FROM,
        "carried": next_iteration_preview(cycle),
    }
    return render_form(request, "cycles/closure/next_iteration.html", context, form=form)
