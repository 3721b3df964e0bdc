"""Browser journey: an engagement lead plans an activity in a Trusted Place, reads the
themes, merges two of them and marks an insight out of scope."""

from datetime import date

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from cycles.tests.builders import make_cycle
from feedback.models import Insight, Theme
from feedback.tests.builders import make_activity, make_insight, make_theme
from stakeholders.tests.builders import make_stakeholder
from t2a.models import Role
from tests.browser import sign_in
from tests.cast import make_member, make_organisation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_engagement_lead_plans_synthesises_and_closes(page, live_server, shoot):
    org = make_organisation("Northgate ICB", "northgate", brand_colour="#00403a")
    staff = make_member(org, Role.ENGAGEMENT_LEAD, "dan@northgate.example.org")
    lead = make_member(org, Role.COMMUNITY_LEAD, "shanice@northgate.example.org")
    cycle = make_cycle(
        org,
        "Maternity voices in Highfields",
        lead=staff,
        community_leads=(lead,),
        start_date=date(2026, 1, 5),
        population_groups=["Somali families", "Young mothers under 20"],
    )
    make_stakeholder(org, "Al-Noor community centre", kind="place", trusted_place=True)
    cafe = make_activity(cycle, "January café", held_on=date(2026, 1, 20), facilitators=[lead])
    buses = make_theme(cycle, "Buses")
    transport = make_theme(cycle, "Transport")
    make_insight(cycle, "The 31 bus stops at six.", activity=cafe, themes=[buses])
    make_insight(cycle, "Parking is expensive.", activity=cafe, themes=[transport])
    national = make_insight(cycle, "Prescription charges are too high.", activity=cafe)
    make_insight(cycle, "A private disclosure.", activity=cafe, sensitivity="sensitive")

    sign_in(page, live_server, staff.email)
    page.goto(f"{live_server.url}/o/northgate/")
    shoot(page, "organisation-home")
    page.get_by_role("link", name="Listening", exact=True).first.click()
    page.get_by_role("link", name="Maternity voices in Highfields").click()
    page.get_by_role("link", name="Plan an activity").click()
    shoot(page, "plan-activity")

    page.get_by_label("Title").fill("Conversation café at Al-Noor")
    page.get_by_label("Method").select_option("conversation_cafe")
    page.get_by_label("Date").fill("2025-12-01")
    page.get_by_label("Venue: a Trusted Place").select_option(label="Al-Noor community centre")
    page.get_by_label("Shanice").check()
    page.get_by_label("Community-led: run by community leads, not by staff").check()
    page.get_by_label("Status").select_option("held")
    page.get_by_label("Number of participants").fill("10")
    page.get_by_label("Participants from Somali families (optional)").fill("12")
    page.get_by_role("button", name="Add activity").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    shoot(page, "plan-activity-errors")
    page.get_by_label("Date").fill("2026-02-03")
    page.get_by_label("Participants from Somali families (optional)").fill("7")
    page.get_by_role("button", name="Add activity").click()
    page.get_by_text("added to the listening calendar").wait_for()
    shoot(page, "activity-added")

    page.goto(f"{live_server.url}/o/northgate/listening/cycles/{cycle.pk}/")
    shoot(page, "calendar")
    page.get_by_role("link", name="Themes").click()
    shoot(page, "themes")
    page.get_by_role("link", name="Merge Buses into another theme").click()
    page.get_by_label("Merge into").select_option(label="Transport")
    shoot(page, "merge")
    page.get_by_role("button", name="Merge themes").click()
    page.get_by_text("1 insight moved").wait_for()

    page.goto(f"{live_server.url}/o/northgate/listening/insights/{national.pk}/")
    shoot(page, "insight")
    page.get_by_label("Why is this out of scope?").fill(
        "Prescription charges are set nationally; we passed this to our MP."
    )
    page.get_by_role("button", name="Mark out of scope").click()
    page.get_by_text("Marked out of scope").wait_for()
    shoot(page, "out-of-scope")

    page.goto(f"{live_server.url}/o/northgate/listening/cycles/{cycle.pk}/insights/")
    page.get_by_label("Show").select_option("unanswered")
    page.get_by_text("3 insights shown").wait_for()
    shoot(page, "insight-list-filtered")

    with scopes_disabled():
        assert not Theme.objects.filter(pk=buses.pk).exists()
        assert transport.insights.count() == 2
        assert Insight.objects.get(pk=national.pk).closure_state == "out_of_scope"
