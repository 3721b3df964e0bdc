"""Browser journey: an engagement lead records a community lead's role agreement and
training; the community lead signs in, finds it on their home page and confirms it; the
stage 2 readiness item turns met."""

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from cycles.tests.builders import make_cycle
from stakeholders.models import RoleAgreement
from t2a.models import Role
from tests.browser import sign_in
from tests.cast import make_member, make_organisation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_lead_records_agreement_and_training_and_the_community_lead_confirms(
    page, live_server, shoot
):
    org = make_organisation("Leicester Health Partnership", "leicester", brand_colour="#00403a")
    lead = make_member(org, Role.ENGAGEMENT_LEAD, "dan@leicester.example.org")
    shanice = make_member(org, Role.COMMUNITY_LEAD, "shanice.campbell@leicester.example.org")
    cycle = make_cycle(
        org,
        "Maternity and neonatal services in Leicester",
        lead=lead,
        community_leads=(shanice,),
        current_stage=2,
    )
    base = f"{live_server.url}/o/leicester"

    sign_in(page, live_server, lead.email)
    page.goto(f"{base}/cycles/{cycle.pk}/")
    status = page.locator("#stage2-community_leads_prepared-status")
    assert status.inner_text().strip() == "Not met"
    page.get_by_role("link", name="open community-lead preparation").click()
    expect(page.get_by_text("Not prepared yet")).to_be_visible()
    shoot(page, "preparation-empty")

    # The role agreement, first with negative hours: refused, clearly.
    page.get_by_role("link", name=shanice.full_name).click()
    page.get_by_role("link", name="Record the role agreement").click()
    page.get_by_label("Their role").fill("Co-facilitator of listening cafés")
    page.get_by_label("Expected hours a month").fill("-6")
    page.get_by_label("WhatsApp").check()
    page.get_by_label("Anything else about keeping in touch").fill("No calls before 10am.")
    page.get_by_label("Boundaries").fill("Sessions end by 8pm.")
    page.get_by_label("Paid for their time, with expenses").check()
    page.get_by_label("Payment details").fill("Real Living Wage, bus fares and childcare.")
    page.get_by_role("button", name="Save role agreement").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(
        page.get_by_role("link", name="Enter a number of hours from 0.5 to 200.")
    ).to_be_visible()
    shoot(page, "agreement-refused")
    with scopes_disabled():
        assert not RoleAgreement.objects.exists()
    page.get_by_label("Expected hours a month").fill("12")
    page.get_by_role("button", name="Save role agreement").click()
    expect(page.get_by_text("Both sides now need to confirm it.")).to_be_visible()
    page.get_by_role("button", name="Confirm for Leicester Health Partnership").click()
    expect(
        page.locator("#agreement-status").get_by_text("Waiting for the community lead")
    ).to_be_visible()
    shoot(page, "agreement-confirmed-by-organisation")

    # Training, with the lead already ticked.
    page.get_by_role("link", name="Record training").click()
    page.get_by_label("Topic").select_option(label="Trauma-informed practice")
    assert page.get_by_label(shanice.full_name).is_checked()
    page.get_by_label("What was covered").fill("Recognising distress and pausing safely.")
    page.get_by_role("button", name="Save training").click()
    expect(page.get_by_role("cell", name="Trauma-informed practice", exact=True)).to_be_visible()
    shoot(page, "training-recorded")

    # The community lead signs in and finds it on their home page.
    page.context.clear_cookies()
    sign_in(page, live_server, shanice.email)
    page.goto(f"{base}/")
    section = page.locator(f"#my-preparation-{cycle.pk}")
    expect(section.get_by_text("Waiting for you to confirm")).to_be_visible()
    expect(page.locator("#my-training").get_by_text("Trauma-informed practice")).to_be_visible()
    shoot(page, "community-lead-home")
    section.get_by_role("link", name="Read and confirm your role agreement").click()
    expect(page.get_by_text("Sessions end by 8pm.")).to_be_visible()
    shoot(page, "community-lead-reads-agreement")
    page.get_by_role("button", name="I agree to this role").click()
    expect(page.locator("#agreement-status").get_by_text("Agreed")).to_be_visible()
    with scopes_disabled():
        agreement = RoleAgreement.objects.get()
    assert agreement.is_confirmed and agreement.agreed_on == timezone.localdate()
    shoot(page, "agreement-agreed")

    page.goto(f"{base}/")
    expect(page.locator(f"#my-preparation-{cycle.pk}").get_by_text("Agreed")).to_be_visible()
    page.goto(f"{base}/cycles/{cycle.pk}/")
    assert page.locator("#stage2-community_leads_prepared-status").inner_text().strip() == "Met"
    shoot(page, "readiness-met")


def test_lead_preparation_on_a_phone(phone_page, live_server, shoot):
    org = make_organisation("Leicester Health Partnership", "leicester")
    lead = make_member(org, Role.ENGAGEMENT_LEAD, "dan@leicester.example.org")
    shanice = make_member(org, Role.COMMUNITY_LEAD, "shanice.campbell@leicester.example.org")
    cycle = make_cycle(org, "Maternity in Leicester", lead=lead, community_leads=(shanice,))
    sign_in(phone_page, live_server, lead.email)
    phone_page.goto(f"{live_server.url}/o/leicester/stakeholders/cycles/{cycle.pk}/preparation/")
    shoot(phone_page, "preparation-phone")
    phone_page.get_by_role("link", name=shanice.full_name).click()
    phone_page.get_by_role("link", name="Record a check-in").click()
    phone_page.get_by_label("Notes").fill("Enjoying it; evenings are tiring.")
    phone_page.get_by_label("Next check-in due").fill("2020-01-01")
    phone_page.get_by_role("button", name="Save check-in").click()
    expect(phone_page.get_by_role("heading", name="There is a problem")).to_be_visible()
    shoot(phone_page, "checkin-refused-phone")
