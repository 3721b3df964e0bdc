"""Browser journey: the engagement lead drafts two actions and sends the plan for sign-off;
a community lead asks for a change; the lead edits; two community leads approve; the plan
shows as signed off with their names and dates."""

from datetime import date

import pytest
from django_scopes import scopes_disabled

from actions.models import ActionPlan
from actions.tests.builders import make_priority
from cycles.tests.builders import make_cycle
from t2a.models import Notification, Role
from tests.browser import sign_in
from tests.cast import make_member, make_organisation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def add_action(page, title: str, priority: str, owner: str, due: str) -> None:
    page.get_by_role("link", name="Add an action").click()
    page.get_by_label("Priority it serves").select_option(label=priority)
    page.get_by_label("Action", exact=True).fill(title)
    page.get_by_label("Owner").select_option(label=owner)
    page.get_by_label("Start date").fill("2026-01-05")
    page.get_by_label("Due date").fill(due)
    page.get_by_label("The measure that matters to the community").fill(
        "Women who work shifts can get an appointment"
    )
    page.get_by_label("Metric (how it is measured)").fill("Appointments booked per month")
    page.get_by_label("Baseline (where we start)").fill("0")
    page.get_by_label("Target").fill("40")
    page.get_by_role("button", name="Save action").click()


def test_plan_drafted_changed_and_signed_off(page, live_server, shoot):
    org = make_organisation("Northgate ICB", "northgate", brand_colour="#00403a")
    staff = make_member(org, Role.ENGAGEMENT_LEAD, "dan@northgate.example.org")
    shanice = make_member(org, Role.COMMUNITY_LEAD, "shanice@northgate.example.org")
    hodan = make_member(org, Role.COMMUNITY_LEAD, "hodan@northgate.example.org")
    cycle = make_cycle(
        org,
        "Maternity voices in Highfields",
        lead=staff,
        community_leads=(shanice, hodan),
        start_date=date(2026, 1, 5),
    )
    make_priority(cycle, "Appointments that fit working lives")
    make_priority(cycle, "Language support")
    plan_url = f"{live_server.url}/o/northgate/actions/cycles/{cycle.pk}/plan/"

    # The engagement lead drafts two actions, with one mistake caught on the way.
    sign_in(page, live_server, staff.email)
    page.goto(f"{live_server.url}/o/northgate/")
    page.get_by_role("link", name="Action plans", exact=True).first.click()
    shoot(page, "plan-list")
    page.get_by_role("link", name="Maternity voices in Highfields", exact=True).click()
    add_action(page, "Evening clinic", "Appointments that fit working lives", "Dan", "2025-12-01")
    page.get_by_text("The due date must be on or after the start date.").first.wait_for()
    shoot(page, "action-error")
    page.get_by_label("Due date").fill("2026-03-01")
    page.get_by_role("button", name="Save action").click()
    page.wait_for_url(plan_url)
    add_action(page, "Interpreters on call", "Language support", "Hodan", "2026-04-01")
    page.wait_for_url(plan_url)
    page.get_by_role("button", name="Send for community sign-off").click()
    page.get_by_text("Version 1 sent to the community leads").wait_for()
    shoot(page, "sent-for-sign-off")
    with scopes_disabled():
        assert Notification.objects.filter(kind="action_plan_signoff").count() == 2

    # Shanice asks for a change.
    sign_in(page, live_server, shanice.email)
    page.goto(plan_url)
    page.get_by_role("link", name="Review and sign off").click()
    shoot(page, "sign-off-page")
    page.get_by_label("Request changes").check()
    page.get_by_role("button", name="Send my answer").click()
    page.get_by_text("Say what you would like changed.").first.wait_for()
    page.get_by_label("Comment").fill("The clinic should start in February, not January.")
    page.get_by_role("button", name="Send my answer").click()
    page.wait_for_url(plan_url)
    page.get_by_text("Changes requested").first.wait_for()

    # The engagement lead edits; the page says what changed; a new round goes out.
    sign_in(page, live_server, staff.email)
    page.goto(plan_url)
    page.get_by_role("link", name="Evening clinic").click()
    page.get_by_role("link", name="Edit action").click()
    page.get_by_label("Start date").fill("2026-02-02")
    page.get_by_role("button", name="Save action").click()
    page.wait_for_url(plan_url)
    page.get_by_text(
        "Action \u2018Evening clinic\u2019: start date changed from 5 January 2026 to "
        "2 February 2026."
    ).wait_for()
    shoot(page, "changed-since-version-1")
    page.get_by_role("button", name="Send for community sign-off").click()
    page.get_by_text("Version 2 sent").wait_for()

    # Both community leads approve version 2.
    for lead in (shanice, hodan):
        sign_in(page, live_server, lead.email)
        page.goto(f"{plan_url}sign-off/")
        if lead == shanice:
            page.get_by_text("start date changed from 5 January 2026 to 2 February 2026").wait_for()
        page.get_by_label("Approve").check()
        page.get_by_role("button", name="Send my answer").click()
        page.wait_for_url(plan_url)

    page.get_by_text("Signed off on").wait_for()
    signoffs = page.locator("#signoffs").inner_text()
    assert "Shanice" in signoffs and "Hodan" in signoffs
    assert signoffs.count("Approved") == 2
    shoot(page, "signed-off")
    with scopes_disabled():
        plan = ActionPlan.objects.get(cycle=cycle)
        assert (plan.status, plan.version) == ("signed_off", 2)
