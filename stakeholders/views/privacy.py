"""A stakeholder's data-protection requests: download everything held, or erase it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from t2a.forms import add_errors
from t2a.htmx import render_form
from t2a.tenancy import allowed_by

from .. import policies
from ..forms.privacy import StakeholderEraseForm
from ..selectors.privacy import erasure_summary, subject_access_export
from ..selectors.stakeholders import get_stakeholder_for_request
from ..services import privacy as services


@require_GET
@allowed_by(policies.can_handle_privacy_requests)
def stakeholder_data_export(request: HttpRequest, stakeholder_pk: int) -> HttpResponse:
    """The subject-access zip, built on the spot: one person's data is small (a few
    queries, whatever the amount), so there is no file to store, expire or leak."""
    stakeholder = get_stakeholder_for_request(request, stakeholder_pk)
    content = subject_access_export(stakeholder=stakeholder).as_zip()
    response = HttpResponse(content, content_type="application/zip")
    name = f"{request.organisation.slug}-stakeholder-{stakeholder.pk}-{timezone.localdate()}.zip"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_handle_privacy_requests)
def stakeholder_erase(request: HttpRequest, stakeholder_pk: int) -> HttpResponse:
    stakeholder = get_stakeholder_for_request(request, stakeholder_pk)
    form = StakeholderEraseForm(request.POST or None)
    if form.is_bound and form.is_valid():
        name = stakeholder.name
        try:
            services.stakeholder_erase(
                stakeholder=stakeholder,
                typed_name=form.cleaned_data["confirm_name"],
                actor=request.user,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"{name}'s data has been erased.")
            return redirect(
                "stakeholders:stakeholder_detail", request.organisation.slug, stakeholder.pk
            )
    context = {
        "stakeholder": stakeholder,
        "form": form,
        "counts": [] if stakeholder.is_erased else erasure_summary(stakeholder=stakeholder),
    }
    return render_form(request, "stakeholders/privacy/stakeholder_erase.html", context, form=form)
