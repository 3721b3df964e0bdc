"""The reports page of a cycle (request, poll, download, retry) and the PDF download."""

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from t2a.models import JobStatus
from t2a.tenancy import allowed_by

from .. import policies
from ..models import ReportKind
from ..selectors.cycles import get_cycle_for_request
from ..selectors.reports import cycle_reports, get_report_for_request
from ..services import reports as services


def _reports_url(request: HttpRequest, cycle_pk: int) -> str:
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
        report, queued = services.report_request(cycle=cycle, kind=kind, requested_by=request.user)
        if queued:
            # Its row says it is being made, and turns into the download link when it is
            # ready (report_row): a message saying "being made" would outlive the truth.
            messages.success(
                request, f"You asked for the {report.get_kind_display().lower()}: see below."
            )
        else:
            messages.info(
                request,
                f"Nothing has changed since the last {report.get_kind_display().lower()}: "
                "it is listed below.",
            )
        return redirect(_reports_url(request, cycle.pk))
    items = cycle_reports(cycle)
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


@require_GET
@allowed_by(policies.can_use_reports)
def report_row(request: HttpRequest, cycle_pk: int, report_pk: int) -> HttpResponse:
    """One report's row of the reports page, which a pending row polls (htmx) until the
    report is made or has failed. Three queries: the membership, the cycle, the report."""
    report = get_report_for_request(request, cycle_pk, report_pk)
    if not request.htmx:
        return redirect(_reports_url(request, cycle_pk))
    return render(
        request, "cycles/reports/list.html#report_row", {"cycle": report.cycle, "report": report}
    )


@require_POST
@allowed_by(policies.can_use_reports)
def report_retry(request: HttpRequest, cycle_pk: int, report_pk: int) -> HttpResponse:
    report = get_report_for_request(request, cycle_pk, report_pk, status=JobStatus.FAILED)
    services.report_retry(report=report, requested_by=request.user)
    messages.success(request, "Trying again. This page updates by itself.")
    return redirect(_reports_url(request, report.cycle_id))


@require_GET
@allowed_by(policies.can_use_reports)
def report_download(request: HttpRequest, cycle_pk: int, report_pk: int) -> HttpResponse:
    report = get_report_for_request(request, cycle_pk, report_pk, status=JobStatus.DONE)
    cycle = report.cycle
    response = FileResponse(
        report.file.open("rb"),
        as_attachment=True,
        filename=f"{cycle.slug}-{report.kind.replace('_', '-')}-{report.pk}.pdf",
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response
