"""The reports page of a cycle (request, poll, download, retry) and the PDF download."""

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from t2a.models import JobStatus
from t2a.tenancy import allowed_by

from . import policies, reports
from .models import Report, ReportKind
from .selectors import get_cycle_for_request

LIST_LIMIT = 20


def _reports_url(request: HttpRequest, cycle_pk: int) -> str:
    from django.urls import reverse

    return reverse("cycles:report_list", args=[request.organisation.slug, cycle_pk])


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_use_reports)
def report_list(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        if kind not in ReportKind.values:
            messages.error(request, "Choose which report to make.")
            return redirect(_reports_url(request, cycle.pk))
        report, queued = reports.report_request(cycle=cycle, kind=kind, requested_by=request.user)
        if queued:
            messages.success(
                request,
                f"Your {report.get_kind_display().lower()} is being made. "
                "This page updates by itself.",
            )
        else:
            messages.info(
                request,
                f"Nothing has changed since the last {report.get_kind_display().lower()}: "
                "it is listed below.",
            )
        return redirect(_reports_url(request, cycle.pk))
    items = list(Report.objects.filter(cycle=cycle).select_related("requested_by")[:LIST_LIMIT])
    context = {
        "cycle": cycle,
        "reports": items,
        "pending": any(r.pending for r in items),
        "kinds": ReportKind.choices,
    }
    template = (
        "cycles/reports/list.html#report_list" if request.htmx else "cycles/reports/list.html"
    )
    return render(request, template, context)


@require_POST
@allowed_by(policies.can_use_reports)
def report_retry(request: HttpRequest, cycle_pk: int, report_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    report = get_object_or_404(Report, cycle=cycle, pk=report_pk, status=JobStatus.FAILED)
    reports.report_retry(report=report, requested_by=request.user)
    messages.success(request, "Trying again. This page updates by itself.")
    return redirect(_reports_url(request, cycle.pk))


@require_GET
@allowed_by(policies.can_use_reports)
def report_download(request: HttpRequest, cycle_pk: int, report_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    report = get_object_or_404(Report, cycle=cycle, pk=report_pk, status=JobStatus.DONE)
    response = FileResponse(
        report.file.open("rb"),
        as_attachment=True,
        filename=f"{cycle.slug}-{report.kind.replace('_', '-')}-{report.pk}.pdf",
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response
