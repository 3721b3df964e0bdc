"""Views for a cycle's annual evaluation: reading it, and writing it (staff).

Cycles come through `get_cycle_for_request` (404 for cycles the member may not see).
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from cycles import policies as cycle_policies
from cycles.selectors.cycles import get_cycle_for_request
from t2a.htmx import render_form
from t2a.tenancy import allowed_by

from .. import policies
from ..forms.evaluation import EvaluationForm
from ..selectors.evaluation import evaluation_for, evaluation_sections
from ..selectors.ripple import effect_count
from ..services.evaluation import evaluation_save


@require_GET
@allowed_by(policies.can_view_evaluation)
def evaluation(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    found = evaluation_for(cycle)
    sections = evaluation_sections(found)
    context = {
        "cycle": cycle,
        "evaluation": found,
        "before": sections[:2],
        "evidence": [s for s in sections if s["group"] == "evidence"],
        "after": [s for s in sections[2:] if s["group"] != "evidence"],
        "written": sum(1 for s in sections if s["text"]),
        "section_count": len(sections),
        "effect_count": effect_count(cycle),
        "can_edit": policies.can_edit_evaluation(request.membership),
        "can_reports": cycle_policies.can_use_reports(request.membership),
    }
    return render(request, "actions/evaluation/evaluation.html", context)


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_edit_evaluation)
def evaluation_edit(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    found = evaluation_for(cycle)
    form = EvaluationForm(request.POST if request.method == "POST" else None, instance=found)
    if request.method == "POST" and form.is_valid():
        evaluation_save(cycle=cycle, by=request.user, fields=form.cleaned_data)
        messages.success(request, "The evaluation has been saved.")
        return redirect(reverse("actions:evaluation", args=[request.organisation.slug, cycle.pk]))
    context = {"cycle": cycle, "form": form, "evaluation": found}
    return render_form(request, "actions/evaluation/evaluation_form.html", context, form=form)
