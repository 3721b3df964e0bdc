"""Views for the theory of change: its page, and adding, editing, ordering, removing and
agreeing its items (the section is redrawn in place with htmx, or the page reloads
without JavaScript)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from t2a.forms import add_errors
from t2a.htmx import render_form, render_section
from t2a.tenancy import allowed_by

from .. import policies
from ..forms.fields import AgreedOnForm
from ..forms.theory_of_change import TheoryOfChangeItemForm
from ..models import Cycle, TheoryOfChangeItem
from ..selectors.cycles import get_cycle_for_request
from ..selectors.theory_of_change import get_toc_item_for_request, theory_of_change_parts
from ..services import theory_of_change as services


def _toc_url(cycle: Cycle) -> str:
    return reverse("cycles:theory_of_change", args=[cycle.organisation.slug, cycle.pk])


def _toc_context(request: HttpRequest, cycle: Cycle, **extra) -> dict:
    parts = theory_of_change_parts(cycle)
    items = [item for part in parts for item in part["items"]]
    return {
        "cycle": cycle,
        "parts": parts,
        "agreed_count": sum(1 for i in items if i.agreed_on),
        "item_count": len(items),
        "can_edit": policies.can_edit_cycle(request.membership),
        "add_form": extra.pop("add_form", None) or TheoryOfChangeItemForm(),
        "agree_form": extra.pop("agree_form", None)
        or AgreedOnForm(initial={"agreed_on": timezone.localdate()}),
        **extra,
    }


def _toc_response(
    request: HttpRequest, cycle: Cycle, *, errors: bool = False, **extra
) -> HttpResponse:
    return render_section(
        request,
        "cycles/theory_of_change/theory_of_change.html",
        _toc_context(request, cycle, **extra),
        partial="toc_body",
        target="#toc-body",
        errors=errors,
    )


@require_GET
@allowed_by(policies.can_view_cycles)
def theory_of_change(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    return _toc_response(request, cycle)


@require_POST
@allowed_by(policies.can_edit_cycle)
def toc_item_create(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    form = TheoryOfChangeItemForm(request.POST, instance=TheoryOfChangeItem(cycle=cycle))
    if form.is_valid():
        try:
            services.theory_of_change_item_save(cycle=cycle, item=form.save(commit=False))
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if not request.htmx:
                messages.success(request, "Added to the theory of change.")
                return redirect(_toc_url(cycle))
            return _toc_response(request, cycle)
    return _toc_response(request, cycle, errors=True, add_form=form)


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_edit_cycle)
def toc_item_edit(request: HttpRequest, cycle_pk: int, toc_item_pk: int) -> HttpResponse:
    item = get_toc_item_for_request(request, cycle_pk, toc_item_pk)
    cycle = item.cycle
    form = TheoryOfChangeItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        try:
            services.theory_of_change_item_save(cycle=cycle, item=form.save(commit=False))
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if request.htmx:
                return _toc_response(request, cycle)
            messages.success(request, "Theory of change saved.")
            return redirect(_toc_url(cycle))
    template = "cycles/theory_of_change/toc_item_form.html"
    if request.htmx:
        template += "#toc_item_form"
    return render_form(request, template, {"cycle": cycle, "item": item, "form": form}, form=form)


@require_POST
@allowed_by(policies.can_edit_cycle)
def toc_item_move(request: HttpRequest, cycle_pk: int, toc_item_pk: int) -> HttpResponse:
    item = get_toc_item_for_request(request, cycle_pk, toc_item_pk)
    cycle = item.cycle
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        messages.error(request, "Choose to move the item up or down.")
        return _toc_response(request, cycle, errors=True)
    services.theory_of_change_item_move(item=item, direction=direction)
    if request.htmx:
        return _toc_response(request, cycle)
    return redirect(_toc_url(cycle) + f"#toc-item-{item.pk}")


@require_POST
@allowed_by(policies.can_edit_cycle)
def toc_item_delete(request: HttpRequest, cycle_pk: int, toc_item_pk: int) -> HttpResponse:
    item = get_toc_item_for_request(request, cycle_pk, toc_item_pk)
    cycle = item.cycle
    services.theory_of_change_item_delete(item=item)
    if request.htmx:
        return _toc_response(request, cycle)
    messages.success(request, "Removed from the theory of change.")
    return redirect(_toc_url(cycle))


@require_POST
@allowed_by(policies.can_edit_cycle)
def theory_of_change_agree(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    form = AgreedOnForm(request.POST)
    if not form.is_valid():
        return _toc_response(request, cycle, errors=True, agree_form=form)
    count = services.theory_of_change_agree(cycle=cycle, agreed_on=form.cleaned_data["agreed_on"])
    messages.success(
        request, f"{count} item{'' if count == 1 else 's'} marked as agreed with communities."
    )
    if request.htmx:
        return _toc_response(request, cycle)
    return redirect(_toc_url(cycle))
