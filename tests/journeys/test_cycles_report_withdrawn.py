"""Browser journey: an admin erases a stakeholder while a case for change PDF that names
them is being made; the reports page then says the render was stopped and offers the new
one, made without them."""

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from cycles.models import CaseForChange, Report, ReportKind
from stakeholders.tests.builders import link, with_contact
from t2a.models import JobStatus, Role
from tests.browser import sign_in
from tests.cast import make_member, make_organisation
from tests.integration.report_builders import make_report_cycle

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NAME = "Grace Bello"


def test_a_report_being_made_when_a_stakeholder_is_erased_is_made_again(page, live_server, shoot):
    org = make_organisation("Leicester Health Partnership", "leicester", brand_colour="#00403a")
    users = {
        role.value: make_member(org, role, f"{role.value}@leicester.example.org") for role in Role
    }
    cycle = make_report_cycle(org, users)
    grace = with_contact(org, users[Role.ADMIN], NAME, kind="person")
    link(grace, cycle)
    with scopes_disabled():
        CaseForChange.objects.filter(cycle=cycle).update(
            most_affected=f"Women who work shifts, as {NAME} told the steering group."
        )
        # A worker is rendering it right now (tests render eagerly, so it is set up so).
        Report.objects.create(
            organisation=org,
            cycle=cycle,
            kind=ReportKind.CASE_FOR_CHANGE,
            requested_by=users[Role.ENGAGEMENT_LEAD],
            data_hash="x" * 64,
            status=JobStatus.RUNNING,
            started_at=timezone.now(),
        )

    sign_in(page, live_server, users[Role.ADMIN].email)
    page.goto(f"{live_server.url}/o/leicester/stakeholders/{grace.pk}/erase/")
    page.get_by_label("Type the stakeholder's name to confirm").fill(NAME)
    page.get_by_label("I have downloaded their data").check()
    page.get_by_role("button", name=f"Erase {NAME}'s data").click()
    expect(page.get_by_text("data has been erased")).to_be_visible()

    page.goto(f"{live_server.url}/o/leicester/cycles/{cycle.pk}/reports/")
    expect(
        page.get_by_text("details were erased or removed while it was being made")
    ).to_be_visible()
    download = page.get_by_role("link", name="Download PDF")
    assert download.count() == 1
    shoot(page, "report-made-again-after-erasure")
    with page.expect_download() as info:
        download.click()
    assert info.value.path().read_bytes()[:5] == b"%PDF-"
