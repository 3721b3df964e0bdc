"""Browser journey: a governance board member makes a case for change PDF and downloads it."""

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from cycles.models import Report
from t2a.models import JobStatus, Role
from tests.browser import sign_in
from tests.cast import make_member, make_organisation
from tests.integration.report_builders import make_report_cycle

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_board_member_makes_and_downloads_a_report(page, phone_page, live_server, shoot):
    org = make_organisation("Leicester Health Partnership", "leicester", brand_colour="#00403a")
    users = {
        role.value: make_member(org, role, f"{role.value}@leicester.example.org") for role in Role
    }
    cycle = make_report_cycle(org, users)
    sign_in(page, live_server, users[Role.GOVERNANCE].email)
    page.goto(f"{live_server.url}/o/leicester/cycles/{cycle.pk}/")
    page.get_by_role("link", name="Reports (PDF)").click()
    expect(page.get_by_role("heading", name="Reports", exact=True)).to_be_visible()
    expect(page.get_by_text("No reports yet.")).to_be_visible()
    shoot(page, "reports-empty")

    page.get_by_role("button", name="Make the case for change report").click()
    # Tests render eagerly once the request commits; the page shows the finished report.
    download_link = page.get_by_role("link", name="Download PDF")
    download_link.wait_for()
    # The row that said "being made" is the download link now; nothing still says otherwise.
    assert page.get_by_text("being made").count() == 0
    shoot(page, "reports-ready")
    with page.expect_download() as info:
        download_link.click()
    path = info.value.path()
    assert path.read_bytes()[:5] == b"%PDF-"

    # Asking again with unchanged data gives the same report back.
    page.get_by_role("button", name="Make the case for change report").click()
    expect(page.get_by_text("Nothing has changed since the last case for change")).to_be_visible()
    with scopes_disabled():
        assert Report.objects.filter(status=JobStatus.DONE).count() == 1

    sign_in(phone_page, live_server, users[Role.ADMIN].email)
    phone_page.goto(f"{live_server.url}/o/leicester/cycles/{cycle.pk}/reports/")
    expect(phone_page.get_by_role("link", name="Download PDF")).to_be_visible()
    shoot(phone_page, "reports-phone")
