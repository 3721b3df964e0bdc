"""Asking for a PDF report and making it (see `selectors/reports.py` for what it shows).

`report_request` records a report for the cycle's current data (or returns the one already
made from exactly that data) and enqueues its render; `report_build` is the report's build
function, which `t2a.jobs` runs from the Celery task on the "pdf" queue.
"""

from django.core.files.base import ContentFile
from django.db import transaction

from t2a.jobs import job_enqueue_on_commit
from t2a.models import JobStatus, User
from t2a.pdf import pdf_render

from ..models import Cycle, Report
from ..selectors.reports import data_hash, report_data, report_render_html


def report_request(*, cycle: Cycle, kind: str, requested_by: User) -> tuple[Report, bool]:
    """A report of `kind` for the cycle's current data: (report, queued a new render?).

    When a finished report (or one already on its way) was made from exactly this data,
    that one is returned and nothing is queued.
    """
    digest = data_hash(report_data(cycle, kind))
    with transaction.atomic():
        # One request at a time per cycle, so two clicks cannot queue the same render twice.
        Cycle.objects.select_for_update().filter(pk=cycle.pk).values_list("pk").first()
        existing = Report.objects.filter(
            cycle=cycle,
            kind=kind,
            data_hash=digest,
            status__in=[JobStatus.DONE, JobStatus.QUEUED, JobStatus.RUNNING],
        ).first()
        if existing is not None:
            return existing, False
        report = Report.objects.create(
            organisation_id=cycle.organisation_id,
            cycle=cycle,
            kind=kind,
            requested_by=requested_by,
            data_hash=digest,
        )
        job_enqueue_on_commit(report)
    return report, True


def report_retry(*, report: Report, requested_by: User) -> tuple[Report, bool]:
    """Try a failed report again: a new attempt (a new row) for the cycle's current data."""
    return report_request(cycle=report.cycle, kind=report.kind, requested_by=requested_by)


def report_again(report: Report) -> Report:
    """Ask anew for a report whose render had to be withdrawn (its `again_function`)."""
    return report_request(cycle=report.cycle, kind=report.kind, requested_by=report.requested_by)[0]


def report_build(report: Report) -> dict:
    """Render the PDF for `report` from the cycle's data now and store it; the fields its
    row records when done (`t2a.jobs` calls this as the report's build function)."""
    cycle = Cycle.objects.select_related("organisation", "lead").get(pk=report.cycle_id)
    data = report_data(cycle, report.kind)
    rendered = pdf_render(html=report_render_html(data))
    report.file.save(
        f"{cycle.organisation.slug}-{cycle.slug}-{report.kind}-{report.pk}.pdf",
        ContentFile(rendered.content),
        save=False,
    )
    return {
        "file": report.file.name,
        "size_bytes": len(rendered.content),
        "page_count": rendered.page_count,
        "data_hash": data_hash(data),
    }
