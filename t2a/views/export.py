"""Organisation export (a zip of everything it owns) and deletion, for its admins."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from .. import policies
from ..forms import (
    OrganisationDeleteForm,
    add_errors,
)
from ..htmx import render_form
from ..models import (
    JobStatus,
    OrganisationExport,
)
from ..services import export as privacy
from ..tenancy import allowed_by


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_manage_organisation)
def organisation_export(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        privacy.organisation_export_request(
            organisation=request.organisation, requested_by=request.user
        )
        messages.success(request, "Your export is being prepared. This page updates by itself.")
        return redirect("organisation_export", org_slug=request.organisation.slug)
    exports = OrganisationExport.objects.select_related("requested_by")[:10]
    pending = any(e.status in (JobStatus.QUEUED, JobStatus.RUNNING) for e in exports)
    template = "t2a/export/list.html#export_list" if request.htmx else ("t2a/export/list.html")
    return render(request, template, {"exports": exports, "pending": pending})


@require_GET
@allowed_by(policies.can_manage_organisation)
def organisation_export_download(request: HttpRequest, export_pk: int) -> HttpResponse:
    export = get_object_or_404(OrganisationExport, pk=export_pk, status=JobStatus.DONE)
    response = FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=f"{request.organisation.slug}-export-{export.pk}.zip",
        content_type="application/zip",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_manage_organisation)
def organisation_delete(request: HttpRequest) -> HttpResponse:
    organisation = request.organisation
    form = OrganisationDeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            privacy.organisation_delete(
                organisation=organisation, typed_name=form.cleaned_data["confirm_name"]
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"{organisation.name} and all its data have been deleted.")
            return redirect("home")
    counts = privacy.organisation_row_counts(organisation=organisation)
    return render_form(
        request, "t2a/export/delete.html", {"form": form, "counts": counts}, form=form
    )
