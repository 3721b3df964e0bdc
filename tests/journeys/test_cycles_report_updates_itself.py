"""Browser journey: a report being made turns into its download link on the reports page
while the page stays open, without a reload (the pending row polls itself)."""

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from cycles.models import Report, ReportKind
from t2a.models import JobStatus, Role
from tests.browser import sign_in
from tests.cast import make_member, make_organisation
from tests.integration.report_builders import make_report_cycle

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_being_made_row_becomes_the_download_link(page, live_server, shoot):
    org = make_organisation("Leicester Health Partnership", "leicester", brand_colour="#00403a")
    users = {
        role.value: make_member(org, role, f"{role.value}@leicester.example.org") for role in Role
    }
    cycle = make_report_cycle(org, users)
    with scopes_disabled():
        report = Report.objects.create(
            organisation=org, cycle=cycle, kind=ReportKind.CASE_FOR_CHANGE, data_hash="d" * 64,
            requested_by=users[Role.GOVERNANCE], status=JobStatus.RUNNING,
        )  # fmt: skip
    sign_in(page, live_server, users[Role.GOVERNANCE].email)
    page.goto(f"{live_server.url}/o/leicester/cycles/{cycle.pk}/reports/")
    expect(page.get_by_text("is being made")).to_be_visible()
    assert page.get_by_role("link", name="Download PDF").count() == 0
    shoot(page, "report-being-made")
    loads = []
    page.on("load", lambda _: loads.append(1))

    with scopes_disabled():
        Report.objects.filter(pk=report.pk).update(
            status=JobStatus.DONE, page_count=5, size_bytes=40_000, finished_at=timezone.now()
        )
    page.get_by_role("link", name="Download PDF").wait_for(timeout=10_000)
    assert page.get_by_text("is being made").count() == 0
    assert loads == []  # the row changed in place, the page was not reloaded
    expect(page.get_by_text("Ready")).to_be_visible()
    shoot(page, "report-ready-without-reload")
