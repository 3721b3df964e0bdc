"""Views for progress: an action's owner (or staff) writes a progress update."""

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
from ..forms.progress import ProgressUpdateForm
from ..selectors.plan import get_action_for_request
from ..services import progress as services


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_write_progress)
def progress_update_create(request: HttpRequest, action_pk: int) -> HttpResponse:
    action = get_action_for_request(request, action_pk)
    if not policies.can_write_progress_on(request.membership, action):
        raise PermissionDenied
    form = ProgressUpdateForm(
        request.POST if request.method == "POST" else None,
        initial={"status": action.status},
        action=action,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.progress_update_create(action=action, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Progress update saved.")
            return redirect(
                reverse("actions:action_detail", args=[request.organisation.slug, action.pk])
            )
    context = {"cycle": action.plan.cycle, "action": action, "form": form}
    return render_form(request, "actions/progress/progress_update_form.html", context, form=form)
