"""Governance board member, whole cycle: reads the dashboard, records the board's decision
on an escalation, asks for the annual-evaluation PDF, waits while a real Celery worker
renders it on the pdf queue, and downloads it."""

import io

import pytest
from django_scopes import scopes_disabled
from pypdf import PdfReader

from actions.models import Action, Escalation
from actions.tests.builders import make_escalation
from cycles.models import Report
from t2a.models import JobStatus, Role
from tests.cast import make_member, make_organisation, make_user
from tests.integration.report_builders import make_report_cycle

from .steps import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
]

TITLE = "Maternity voices in Highfields"


def test_board_member_from_escalation_to_annual_evaluation_pdf(
    page, live_server, shoot, celery_worker_process
):
    celery_worker_process.start(queues="celery,pdf")
    org = make_organisation("Northgate ICB", "northgate", brand_colour="#00403a")
    names = {
        Role.ADMIN: "Amira Khan",
        Role.ENGAGEMENT_LEAD: "Dan Whitfield",
        Role.COMMUNITY_LEAD: "Hodan Ali",
        Role.GOVERNANCE: "Ravi Mehta",
    }
    users = {}
    for role, name in names.items():
        email = f"{name.split()[0].lower()}@northgate.example.org"
        make_user(email, full_name=name)
        users[role.value] = make_member(org, role, email)
    board = users[Role.GOVERNANCE]
    cycle = make_report_cycle(org, users, title=TITLE)
    with scopes_disabled():
        action = Action.objects.get(plan__cycle=cycle, title="Evening antenatal clinic")
    escalation = make_escalation(
        action,
        raised_by=users[Role.ENGAGEMENT_LEAD],
        reason="The clinic needs a midwife on Tuesday evenings and there is no budget.",
    )

    # 1. The dashboards, then the cycle's escalation.
    sign_in(page, live_server, board.email)
    page.goto(f"{live_server.url}/o/northgate/")
    shoot(page, "organisation-home")
    page.get_by_role("link", name="Governance", exact=True).first.click()
    page.get_by_role("heading", name="Governance dashboard").wait_for()
    shoot(page, "governance-dashboard")
    page.get_by_role("link", name=TITLE).first.click()
    page.wait_for_url(f"**/actions/cycles/{cycle.pk}/governance/")
    card = page.locator("#escalations ~ .nhsuk-card").first
    card.get_by_text("there is no budget").wait_for()
    shoot(page, "governance-cycle")

    # 2. The decision: refused empty, then recorded.
    card.get_by_role("button", name="Record decision").click()
    page.get_by_role("heading", name="There is a problem").wait_for()
    assert page.title().startswith("Error:")
    shoot(page, "decision-error")
    page.get_by_label("The board's decision").fill(
        "Fund a midwife from the winter budget; Dan to report back in four weeks."
    )
    page.get_by_role("button", name="Record decision").click()
    page.get_by_text("The board's decision has been recorded.").wait_for()
    shoot(page, "decision-recorded")
    with scopes_disabled():
        escalation = Escalation.objects.get(pk=escalation.pk)
        assert escalation.decided_by == board
        assert escalation.decision.startswith("Fund a midwife")

    # 3. The annual evaluation, rendered by the worker while the page polls.
    page.get_by_role("link", name="make or download this cycle's reports").click()
    page.wait_for_url(f"**/cycles/{cycle.pk}/reports/")
    page.get_by_text("No reports yet.").wait_for()
    shoot(page, "reports-empty")
    page.get_by_role("button", name="Make the annual evaluation report").click()
    download_link = page.get_by_role("link", name="Download PDF")
    # Rendering takes seconds on a quiet machine; allow for a busy one.
    download_link.wait_for(timeout=120_000)
    shoot(page, "report-ready")
    with scopes_disabled():
        report = Report.objects.get(cycle=cycle)
        assert (report.kind, report.status) == ("annual_evaluation", JobStatus.DONE)
    worker_log = (celery_worker_process.log_dir / "w1.log").read_text()
    assert "cycles.tasks" in worker_log and "succeeded" in worker_log

    with page.expect_download() as info:
        download_link.click()
    content = info.value.path().read_bytes()
    assert content[:5] == b"%PDF-"
    reader = PdfReader(io.BytesIO(content))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert TITLE in text
    assert "Annual evaluation" in text
    assert "Northgate ICB" in text and "This is what we asked for." in text
    assert len(reader.pages) == report.page_count
