"""Browser journey: the reminder ladder escalates a silent action; a governance board member
signs in, opens the governance dashboard, finds it and records the board's decision."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from actions.models import Escalation, PlanStatus
from actions.tests.builders import make_action, make_plan, make_update
from cycles.tests.builders import make_cycle
from feedback.tests.builders import make_activity, make_insight
from t2a.models import Notification, Role
from t2a.services import notifications
from tests.browser import sign_in
from tests.cast import make_member, make_organisation, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def person(org, role, email: str, name: str):
    make_user(email, full_name=name)
    return make_member(org, role, email)


def build():
    org = make_organisation("Northgate ICB", "northgate", brand_colour="#00403a")
    lead = person(org, Role.ENGAGEMENT_LEAD, "dan@northgate.example.org", "Dan Whitfield")
    owner = person(org, Role.COMMUNITY_LEAD, "hodan@northgate.example.org", "Hodan Ali")
    board = person(org, Role.GOVERNANCE, "ravi@northgate.example.org", "Ravi Mehta")
    cycle = make_cycle(
        org,
        "Maternity voices in Highfields",
        lead=lead,
        governance_members=(board,),
        population_groups=["Somali women", "Young fathers"],
    )
    make_plan(cycle, status=PlanStatus.IN_DELIVERY, signed_off_at=timezone.now())
    silent = make_action(cycle, "Interpreters on call for scans", owner=owner, cadence_days=28)
    make_update(silent, when=timezone.now() - timedelta(days=28 + 15))
    fresh = make_action(cycle, "Evening antenatal clinic", owner=lead, cadence_days=28)
    make_update(fresh, when=timezone.now() - timedelta(days=3), public=True)
    now = timezone.now()
    make_insight(cycle, captured_at=now - timedelta(days=40), answered_at=now - timedelta(days=12))
    make_insight(cycle, captured_at=now - timedelta(days=20))
    make_activity(cycle, held_on=(now - timedelta(days=30)).date(), reach={"Somali women": 9})
    return org, board, cycle


def test_board_member_decides_on_a_ladder_escalation(page, live_server, shoot):
    org, board, cycle = build()
    notifications.reminder_sweep()  # what beat runs every 15 minutes
    with scopes_disabled():
        [escalation] = Escalation.objects.filter(update_due_on__isnull=False)
        assert Notification.objects.filter(recipient=board, kind="action_update_due").count() == 1

    sign_in(page, live_server, board.email)
    page.goto(f"{live_server.url}/o/northgate/")
    page.get_by_role("heading", name="Trust indicators").wait_for()
    shoot(page, "home-with-indicators")
    page.get_by_role("link", name="Governance", exact=True).first.click()
    page.get_by_role("heading", name="Governance dashboard").wait_for()
    shoot(page, "governance-organisation")

    page.get_by_role("link", name="Maternity voices in Highfields").first.click()
    page.wait_for_url(f"{live_server.url}/o/northgate/actions/cycles/{cycle.pk}/governance/")
    escalations = page.locator("#escalations ~ .nhsuk-card").first
    escalations.get_by_text("Raised by T2A's reminder ladder").wait_for()
    assert "No progress update for 43 days" in escalations.inner_text()
    overdue = page.locator("#overdue-updates + table")
    assert "Interpreters on call for scans" in overdue.inner_text()
    assert "Evening antenatal clinic" not in overdue.inner_text()
    shoot(page, "governance-cycle")

    # An empty decision is refused with a clear message, then the real one is recorded.
    escalations.get_by_role("button", name="Record decision").click()
    page.get_by_text("There is a problem").wait_for()
    assert page.title().startswith("Error:")
    shoot(page, "decision-error")
    page.get_by_label("The board's decision").fill(
        "Fund interpreters from the winter budget; Hodan to report back in 4 weeks."
    )
    page.get_by_role("button", name="Record decision").click()
    page.wait_for_url(
        f"{live_server.url}/o/northgate/actions/cycles/{cycle.pk}/governance/#escalations"
    )
    page.get_by_text("The board's decision has been recorded.").wait_for()
    page.get_by_text("Nothing is waiting for a decision.").wait_for()
    shoot(page, "decision-recorded")
    with scopes_disabled():
        escalation.refresh_from_db()
        assert escalation.decided_by == board
        assert escalation.decision.startswith("Fund interpreters")


def test_the_governance_dashboard_on_a_phone(phone_page, live_server, shoot):
    org, board, cycle = build()
    notifications.reminder_sweep()
    sign_in(phone_page, live_server, board.email)
    phone_page.goto(f"{live_server.url}/o/northgate/actions/cycles/{cycle.pk}/governance/")
    phone_page.get_by_role("heading", name="Trust indicators").wait_for()
    shoot(phone_page, "governance-phone")
