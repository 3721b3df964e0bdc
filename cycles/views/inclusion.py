"""The inclusion prompts page: everyone on the cycle reads the answers; staff edit them."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from t2a.forms import add_errors
from t2a.htmx import render_form
from t2a.tenancy import allowed_by

from .. import policies
from ..forms.inclusion import InclusionPromptsForm
from ..selectors.cycles import get_cycle_for_request
from ..selectors.inclusion import inclusion_prompts_for
from ..services import inclusion as services


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_view_cycles)
def inclusion_prompts(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    prompts = inclusion_prompts_for(cycle)
    can_edit = policies.can_edit_cycle(request.membership)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    form = InclusionPromptsForm(request.POST or None, instance=prompts) if can_edit else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            services.inclusion_prompts_update(
                prompts=prompts, by=request.user, answers=form.cleaned_data
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Inclusion prompts saved.")
            return redirect(
                reverse("cycles:inclusion_prompts", args=[cycle.organisation.slug, cycle.pk])
            )
    return render_form(
        request,
        "cycles/inclusion/inclusion_prompts.html",
        {"cycle": cycle, "prompts": prompts, "form": form, "can_edit": can_edit},
        form=form,
    )
