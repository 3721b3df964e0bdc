"""The ethics log: its page, and adding and editing an entry."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from t2a.forms import add_errors
from t2a.htmx import render_form
from t2a.tenancy import allowed_by

from .. import policies
from ..forms.ethics import EthicsLogEntryForm
from ..models import Cycle, EthicsLogEntry
from ..selectors.cycles import get_cycle_for_request
from ..selectors.ethics import ethics_log_entries, get_ethics_entry_for_request
from ..services import ethics as services


@require_GET
@allowed_by(policies.can_view_cycles)
def ethics_log(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    entries = ethics_log_entries(cycle, today=timezone.localdate())
    return render(
        request,
        "cycles/ethics/ethics_log.html",
        {
            "cycle": cycle,
            "entries": entries,
            "overdue_count": sum(1 for e in entries if e.overdue),
            "can_edit": policies.can_edit_cycle(request.membership),
        },
    )


def _ethics_form_view(request: HttpRequest, cycle: Cycle, entry: EthicsLogEntry) -> HttpResponse:
    adding = entry.pk is None
    form = EthicsLogEntryForm(request.POST or None, instance=entry)
    if request.method == "POST" and form.is_valid():
        try:
            services.ethics_entry_save(cycle=cycle, entry=form.save(commit=False))
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request, "Ethics log entry added." if adding else "Ethics log entry saved."
            )
            return redirect(reverse("cycles:ethics_log", args=[cycle.organisation.slug, cycle.pk]))
    return render_form(
        request,
        "cycles/ethics/ethics_entry_form.html",
        {"cycle": cycle, "form": form, "entry": entry, "adding": adding},
        form=form,
    )


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_edit_cycle)
def ethics_entry_create(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    return _ethics_form_view(request, cycle, EthicsLogEntry(cycle=cycle))


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_edit_cycle)
def ethics_entry_edit(request: HttpRequest, cycle_pk: int, ethics_entry_pk: int) -> HttpResponse:
    entry = get_ethics_entry_for_request(request, cycle_pk, ethics_entry_pk)
    return _ethics_form_view(request, entry.cycle, entry)
