"""A stakeholder erased while a PDF report of their cycle is being made: the render in
flight is withdrawn and made again, so no finished PDF keeps the erased name."""

import subprocess
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django_scopes import scopes_disabled

from cycles.models import CaseForChange, Report, ReportKind
from cycles.tests.reports import list_url, wait_done
from stakeholders.tests.builders import link, with_contact
from t2a.models import JobStatus, Role
from t2a.services.export import WITHDRAWN_WHILE_MADE
from tests.hold import held_render_reached, held_render_release, held_render_reset
from tests.integration.report_builders import make_report_cycle

NAME = "Grace Bello"
RESULTS = Path(__file__).resolve().parents[2] / "test-results" / "reports"


def pdf_text(content: bytes) -> str:
    done = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    )
    return " ".join(done.stdout.decode().split())


@pytest.mark.celery_worker
def test_a_report_rendering_while_a_stakeholder_is_erased_is_made_again_without_them(
    celery_worker_process, org, users, client_for
):
    held_render_reset()
    celery_worker_process.start(queues="celery,pdf", app="tests.hold")
    cycle = make_report_cycle(org, users)
    grace = with_contact(org, users[Role.ADMIN], NAME, kind="person")
    link(grace, cycle)
    with scopes_disabled():
        CaseForChange.objects.filter(cycle=cycle).update(
            most_affected=f"Women who work shifts, as {NAME} told the steering group."
        )
    lead, admin = client_for(users[Role.ENGAGEMENT_LEAD]), client_for(users[Role.ADMIN])

    lead.post(list_url(org, cycle), {"kind": ReportKind.CASE_FOR_CHANGE})
    with scopes_disabled():
        first = Report.objects.get()
    # The worker has read the cycle's data, the name with it, and is still rendering.
    held_render_reached()
    erase = reverse("stakeholders:stakeholder_erase", args=[org.slug, grace.pk])
    assert admin.post(erase, {"confirm_name": NAME, "understood": "on"}).status_code == 302
    held_render_release()
    celery_worker_process.wait_until_idle()

    first = wait_done(first.pk)
    assert (first.status, first.file.name, first.error) == (
        JobStatus.FAILED,
        "",
        WITHDRAWN_WHILE_MADE,
    )
    with scopes_disabled():
        (again,) = Report.objects.exclude(pk=first.pk)
    again = wait_done(again.pk)
    assert again.status == JobStatus.DONE, again.error
    assert again.kind == ReportKind.CASE_FOR_CHANGE
    # The withdrawn render's PDF was discarded, not left in storage.
    assert default_storage.listdir("reports")[1] == [again.file.name.split("/")[-1]]

    page = lead.get(list_url(org, cycle)).text
    download = reverse("cycles:report_download", args=[org.slug, cycle.pk, again.pk])
    assert download in page and "A new one without them was asked for straight away" in page
    response = lead.get(download)
    content = b"".join(response.streaming_content)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "made-again-after-erasure.pdf").write_bytes(content)
    text = pdf_text(content)
    assert "Women who work shifts" in text
    assert NAME not in text and "Grace" not in text
