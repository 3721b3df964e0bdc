"""Helpers for tests of the PDF reports: asking for one, waiting for a worker to finish it,
and reading what it holds."""

import io
import subprocess
import tempfile
import time

from django.urls import reverse
from django_scopes import scope, scopes_disabled
from pypdf import PdfReader

from cycles.models import Report
from cycles.selectors.reports import report_data, report_render_html
from cycles.services.reports import report_request
from t2a.models import JobStatus
from t2a.pdf import pdf_render


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


def render_report(org, cycle, kind) -> bytes:
    """A real PDF of the cycle's report of `kind`, made now in this process."""
    with scope(organisation=org.pk):
        return pdf_render(html=report_render_html(report_data(cycle, kind))).content


def poppler(tool: str, content: bytes, *args: str) -> str:
    """What a poppler tool (pdftotext, pdfinfo) prints for the PDF."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(content)
        handle.flush()
        extra = ["-"] if tool == "pdftotext" else []
        done = subprocess.run(
            [tool, *args, handle.name, *extra], capture_output=True, check=True, text=True
        )
    return done.stdout


def pdftotext(content: bytes, *, layout: bool = False) -> str:
    """The PDF's text as pdftotext reads it (it follows /ActualText), whitespace collapsed;
    with `layout`, in the order it stands on the page, top to bottom."""
    options = ["-enc", "UTF-8", *(["-layout"] if layout else [])]
    return " ".join(poppler("pdftotext", content, *options).split())


def link_uris(content: bytes) -> list[str]:
    """The web addresses of the PDF's link annotations, page by page."""
    uris = []
    for page in PdfReader(io.BytesIO(content)).pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is not None and action.get("/S") == "/URI":
                uris.append(str(action["/URI"]))
    return uris
