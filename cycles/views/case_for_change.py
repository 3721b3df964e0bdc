"""Views for the case for change: its page, its sections, its agreement by the steering
group, and its data sources and inequality-map rows (added in place with htmx, or on a page
of their own without JavaScript).

Every view fetches its cycle through `get_cycle_for_request` and child rows through their
own `get_<model>_for_request`, so a row of another cycle or organisation is never reachable
by id.
"""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from t2a.forms import add_errors
from t2a.htmx import render_form
from t2a.pagecache import page_cached
from t2a.tenancy import allowed_by

from .. import policies
from ..forms.case_for_change import CaseForChangeForm, DataSourceForm, InequalityRowForm
from ..forms.fields import AgreedOnForm
from ..models import Cycle, DataSource, InequalityRow
from ..selectors.case_for_change import (
    case_for_change_contents,
    case_for_change_for,
    get_data_source_for_request,
    get_inequality_row_for_request,
)
from ..selectors.cycles import get_cycle_for_request
from ..services import case_for_change as services


def _case_url(cycle: Cycle) -> str:
    return reverse("cycles:case_for_change", args=[cycle.organisation.slug, cycle.pk])


def _case_context(request: HttpRequest, cycle: Cycle, **extra) -> dict:
    case = case_for_change_for(cycle)
    return {
        "cycle": cycle,
        "case": case,
        **case_for_change_contents(case),
        "can_edit": policies.can_edit_cycle(request.membership),
        "source_form": extra.pop("source_form", None) or DataSourceForm(),
        "row_form": extra.pop("row_form", None) or InequalityRowForm(),
        "agree_form": extra.pop("agree_form", None)
        or AgreedOnForm(initial={"agreed_on": timezone.localdate()}),
        **extra,
    }


@require_GET
@allowed_by(policies.can_view_cycles)
@page_cached
def case_for_change(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    return render(
        request, "cycles/case_for_change/case_for_change.html", _case_context(request, cycle)
    )


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_edit_cycle)
def case_for_change_edit(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    case = case_for_change_for(cycle)
    form = CaseForChangeForm(request.POST or None, instance=case)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_for_change_update(case=case, by=request.user, sections=form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Case for change saved.")
            return redirect(_case_url(cycle))
    return render_form(
        request,
        "cycles/case_for_change/case_for_change_edit.html",
        {"cycle": cycle, "case": case, "form": form},
        form=form,
    )


@require_POST
@allowed_by(policies.can_edit_cycle)
def case_for_change_agree(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    case = case_for_change_for(cycle)
    form = AgreedOnForm(request.POST)
    if form.is_valid():
        services.case_for_change_agree(
            case=case, by=request.user, agreed_on=form.cleaned_data["agreed_on"]
        )
        messages.success(request, "Recorded as agreed by the steering group.")
        return redirect(_case_url(cycle))
    return render_form(
        request,
        "cycles/case_for_change/case_for_change.html",
        _case_context(request, cycle, agree_form=form),
        form=form,
    )


def _child_form_view(
    request: HttpRequest,
    cycle: Cycle,
    *,
    form_class: type[ModelForm],
    instance: DataSource | InequalityRow,
    save: Callable[[DataSource | InequalityRow], object],
    partial: str,
    form_key: str,
    success: str,
) -> HttpResponse:
    """Add or edit a data source or inequality row: on the case page (htmx) or a page."""
    in_place = bool(request.htmx and instance.pk is None and partial)
    form = form_class(request.POST or None, instance=instance)
    page = f"cycles/case_for_change/case_for_change.html#{partial}"
    if request.method == "POST" and form.is_valid():
        try:
            save(form.save(commit=False))
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if in_place:
                # Show the new row in place, with a fresh empty form below it.
                return render(request, page, _case_context(request, cycle))
            messages.success(request, success)
            return redirect(_case_url(cycle))
    if in_place:
        return render_form(
            request, page, _case_context(request, cycle, **{form_key: form}), form=form
        )
    return render_form(
        request,
        "cycles/case_for_change/case_item_form.html",
        {"cycle": cycle, "form": form, "instance": instance, "form_key": form_key},
        form=form,
    )


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_edit_cycle)
def data_source_create(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    case = case_for_change_for(cycle)
    return _child_form_view(
        request,
        cycle,
        form_class=DataSourceForm,
        instance=DataSource(case_for_change=case),
        save=lambda source: services.data_source_save(case=case, source=source, by=request.user),
        partial="data_sources",
        form_key="source_form",
        success="Data source added.",
    )


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_edit_cycle)
def data_source_edit(request: HttpRequest, cycle_pk: int, data_source_pk: int) -> HttpResponse:
    source = get_data_source_for_request(request, cycle_pk, data_source_pk)
    case = source.case_for_change
    return _child_form_view(
        request,
        case.cycle,
        form_class=DataSourceForm,
        instance=source,
        save=lambda s: services.data_source_save(case=case, source=s, by=request.user),
        partial="",
        form_key="source_form",
        success="Data source saved.",
    )


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_edit_cycle)
def data_source_delete(request: HttpRequest, cycle_pk: int, data_source_pk: int) -> HttpResponse:
    source = get_data_source_for_request(request, cycle_pk, data_source_pk)
    cycle = source.case_for_change.cycle
    if request.method == "POST":
        services.data_source_delete(source=source, by=request.user)
        messages.success(request, f"Data source “{source.title}” removed.")
        return redirect(_case_url(cycle))
    return render(
        request,
        "cycles/case_for_change/confirm_delete.html",
        {
            "cycle": cycle,
            "what": f"the data source “{source.title}”",
            "back": _case_url(cycle),
        },
    )


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_edit_cycle)
def inequality_row_create(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    case = case_for_change_for(cycle)
    return _child_form_view(
        request,
        cycle,
        form_class=InequalityRowForm,
        instance=InequalityRow(case_for_change=case),
        save=lambda row: services.inequality_row_save(case=case, row=row, by=request.user),
        partial="inequality_map",
        form_key="row_form",
        success="Inequality map row added.",
    )


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_edit_cycle)
def inequality_row_edit(
    request: HttpRequest, cycle_pk: int, inequality_row_pk: int
) -> HttpResponse:
    row = get_inequality_row_for_request(request, cycle_pk, inequality_row_pk)
    case = row.case_for_change
    return _child_form_view(
        request,
        case.cycle,
        form_class=InequalityRowForm,
        instance=row,
        save=lambda r: services.inequality_row_save(case=case, row=r, by=request.user),
        partial="",
        form_key="row_form",
        success="Inequality map row saved.",
    )


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_edit_cycle)
def inequality_row_delete(
    request: HttpRequest, cycle_pk: int, inequality_row_pk: int
) -> HttpResponse:
    row = get_inequality_row_for_request(request, cycle_pk, inequality_row_pk)
    cycle = row.case_for_change.cycle
    if request.method == "POST":
        services.inequality_row_delete(row=row, by=request.user)
        messages.success(request, "Inequality map row removed.")
        return redirect(_case_url(cycle))
    return render(
        request,
        "cycles/case_for_change/confirm_delete.html",
        {
            "cycle": cycle,
            "what": f"the inequality map row “{row.group}: {row.indicator}”",
            "back": _case_url(cycle),
        },
    )
