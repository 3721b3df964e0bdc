"""Browser journey: the engagement lead records a steering-group meeting, sets its record to
steering-group members only, and a community lead who is not on the group sees the meeting
and its level but not the minutes."""

import pytest
from playwright.sync_api import expect

from cycles.tests.builders import make_cycle
from stakeholders.tests.builders import make_stakeholder, make_steering_member
from t2a.models import Role
from tests.browser import sign_in
from tests.cast import make_member, make_organisation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MINUTES = "The maternity unit shared its staffing pressures in confidence."


def test_lead_keeps_minutes_to_the_group_and_a_community_lead_does_not_see_them(
    page, live_server, shoot
):
    org = make_organisation("Leicester Health Partnership", "leicester", brand_colour="#00403a")
    lead = make_member(org, Role.ENGAGEMENT_LEAD, "dan@leicester.example.org")
    community_lead = make_member(org, Role.COMMUNITY_LEAD, "hodan@leicester.example.org")
    cycle = make_cycle(
        org, "Maternity services in Leicester", lead=lead, community_leads=(community_lead,)
    )
    make_steering_member(
        cycle, "community", stakeholder=make_stakeholder(org, "Amina Yusuf"), role="Co-chair"
    )
    make_steering_member(cycle, "nhs", stakeholder=make_stakeholder(org, "Dr Amaka Okoro"))

    sign_in(page, live_server, lead.email)
    page.goto(f"{live_server.url}/o/leicester/stakeholders/cycles/{cycle.pk}/steering/")
    page.get_by_role("button", name="Make chair Amina Yusuf").click()
    expect(page.get_by_text("Amina Yusuf now chairs the steering group.")).to_be_visible()
    page.get_by_role("link", name="Add a meeting").click()
    page.get_by_label("Date").fill("2026-03-04")
    page.get_by_label("Amina Yusuf").check()
    page.get_by_label("Minutes").fill(MINUTES)
    # Shared with the organisation at first; then the lead keeps it to the group.
    page.get_by_label("The organisation").check()
    page.get_by_role("button", name="Save meeting").click()
    expect(page.locator("#meeting-confidentiality").get_by_text("The organisation")).to_be_visible()
    page.get_by_label("Decision", exact=True).fill("Ask the unit for its rota gaps each month.")
    page.locator("#decision-confidentiality").get_by_label("Steering-group members only").check()
    page.get_by_role("button", name="Record decision").click()
    page.locator("#id_confidentiality").get_by_label("Steering-group members only").check()
    page.get_by_role("button", name="Save meeting").click()
    expect(
        page.locator("#meeting-confidentiality").get_by_text("Steering-group members only")
    ).to_be_visible()
    shoot(page, "meeting-as-lead")
    page.get_by_role("link", name="Back to the steering group").click()
    shoot(page, "steering-group-as-lead")

    sign_in(page, live_server, community_lead.email)
    page.goto(f"{live_server.url}/o/leicester/stakeholders/cycles/{cycle.pk}/steering/")
    expect(page.get_by_text("1 decision for steering-group members only")).to_be_visible()
    shoot(page, "steering-group-as-non-member")
    page.get_by_role("link", name="Wednesday 4 March 2026").click()
    expect(page.get_by_text("This record is for steering-group members only.")).to_be_visible()
    assert page.get_by_text(MINUTES).count() == 0
    assert page.get_by_text("Ask the unit for its rota gaps").count() == 0
    shoot(page, "meeting-as-non-member")
