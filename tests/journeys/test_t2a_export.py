"""Browser journey: an admin prepares an export of everything the organisation keeps,
PDF reports included, and downloads it."""

import io
import zipfile

import pytest
from django_scopes import scope
from playwright.sync_api import expect

from cycles.models import ReportKind
from cycles.services.reports import report_request
from t2a.models import Role
from tests.browser import sign_in
from tests.cast import make_member, make_organisation
from tests.integration.report_builders import make_report_cycle

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_exports_everything_with_the_pdf_reports(page, live_server, shoot):
    org = make_organisation("Leicester Health Partnership", "leicester", brand_colour="#00403a")
    users = {
        role.value: make_member(org, role, f"{role.value}@leicester.example.org") for role in Role
    }
    cycle = make_report_cycle(org, users)
    with scope(organisation=org.pk):
        report, _ = report_request(
            cycle=cycle, kind=ReportKind.CASE_FOR_CHANGE, requested_by=users[Role.ENGAGEMENT_LEAD]
        )

    sign_in(page, live_server, users[Role.ADMIN].email)
    page.goto(f"{live_server.url}/o/leicester/settings/export/")
    expect(page.get_by_text("every stored file, such as the PDF reports")).to_be_visible()
    page.get_by_role("button", name="Prepare a new export").click()
    download = page.get_by_role("link", name="Download zip")
    download.wait_for()
    shoot(page, "export-ready")
    with page.expect_download() as info:
        download.click()
    archive = zipfile.ZipFile(io.BytesIO(info.value.path().read_bytes()))
    pdfs = [n for n in archive.namelist() if n.startswith("files/") and n.endswith(".pdf")]
    assert len(pdfs) == 1 and archive.read(pdfs[0])[:5] == b"%PDF-"
