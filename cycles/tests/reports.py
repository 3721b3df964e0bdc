"""Helpers for tests of the PDF reports: asking for one, waiting for a worker to finish it,
and reading what it holds."""

import io
import time

from django.urls import reverse
from django_scopes import scope, scopes_disabled
from pypdf import PdfReader

from cycles.models import Report
from cycles.services.reports import report_request
from t2a.models import JobStatus


def pdf_text(content: bytes) -> tuple[str, int]:
    """The PDF's text (whitespace collapsed) and its number of pages."""
    reader = PdfReader(io.BytesIO(content))
    text = " ".join(page.extract_text() for page in reader.pages)
    return " ".join(text.split()), len(reader.pages)


def section_data(data: dict, key: str) -> dict:
    """The gathered data of one section of a report's data, by its key."""
    (found,) = [s["data"] for s in data["sections"] if s["key"] == key]
    return found


def list_url(org, cycle) -> str:
    return reverse("cycles:report_list", args=[org.slug, cycle.pk])


def request_report(org, cycle, kind, user, capture) -> tuple[Report, bool]:
    """Ask for a report as `user`, running what is enqueued on commit (`capture` is
    django_capture_on_commit_callbacks)."""
    with capture(execute=True), scope(organisation=org.pk):
        report, queued = report_request(cycle=cycle, kind=kind, requested_by=user)
    with scopes_disabled():
        report.refresh_from_db()
    return report, queued


def wait_done(report_pk: int, timeout: float = 60) -> Report:
    """The report once a worker has finished or failed it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with scopes_disabled():
            report = Report.objects.get(pk=report_pk)
        if report.status in (JobStatus.DONE, JobStatus.FAILED):
            return report
        time.sleep(0.3)
    raise AssertionError(f"report {report_pk} still {report.status}")
