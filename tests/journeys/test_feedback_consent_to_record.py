"""Browser journey (issue 23, item 8): consent to record. The engagement lead notes on a
pop-up how everyone there agreed to being recorded; the community lead, on a phone, records
insight from it without a tick each time, but from an activity with no such note the form
asks "They agreed to this being recorded". An insight from before consent was asked is in a
published report-back: the public page does not quote it until someone confirms consent."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from cycles.tests.builders import make_cycle
from feedback.models import Insight, RecordConsent
from feedback.tests.builders import (
    make_activity,
    make_insight,
    make_public_page,
    make_report_back,
)
from t2a.models import Role
from tests.browser import sign_in
from tests.cast import make_member, make_organisation

from .steps import no_sideways_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOTE = "We explained how notes are used at the start; everyone at the table agreed out loud."
OLD_QUOTE = "We stood for an hour with the baby."


def test_consent_to_record_at_a_pop_up_and_on_the_public_page(page, phone_page, live_server, shoot):
    org = make_organisation("Northgate ICB", "northgate", brand_colour="#00403a")
    staff = make_member(org, Role.ENGAGEMENT_LEAD, "dan@northgate.example.org")
    lead = make_member(org, Role.COMMUNITY_LEAD, "shanice@northgate.example.org")
    cycle = make_cycle(
        org,
        "Maternity voices in Highfields",
        slug="maternity-voices",
        lead=staff,
        community_leads=(lead,),
        start_date=date(2026, 1, 5),
    )
    popup = make_activity(cycle, "Saturday pop-up at Highfields library", facilitators=[lead])
    cafe = make_activity(cycle, "Tuesday café at the mosque", facilitators=[lead])
    old = make_insight(
        cycle,
        "The waiting room has no chairs for children.",
        quote=OLD_QUOTE,
        record_consent="",
        captured_at=timezone.now() - timedelta(days=9),
    )
    make_report_back(
        cycle,
        "What you told us about the waiting room",
        body="You told us about the waiting room. We ordered chairs.",
        insights=[old],
        published_at=timezone.now() - timedelta(days=1),
    )
    make_public_page(cycle)
    base = f"{live_server.url}/o/northgate/listening"
    public_url = f"{live_server.url}/p/northgate/maternity-voices/"

    # The engagement lead notes how consent was gathered at the pop-up.
    sign_in(page, live_server, staff.email)
    page.goto(f"{base}/activities/{popup.pk}/edit/")
    page.get_by_label("How consent to record was gathered (optional)").fill(NOTE)
    shoot(page, "activity-consent-note")
    page.get_by_role("button", name="Save activity").click()
    page.get_by_text(NOTE).wait_for()
    shoot(page, "activity-with-consent-note")

    # The community lead, on a phone, records insight from the pop-up: the note covers it.
    sign_in(phone_page, live_server, lead.email)
    phone_page.goto(f"{base}/cycles/{cycle.pk}/insights/new/?activity={popup.pk}")
    select = phone_page.get_by_label("Which activity was this?")
    assert "consent to record noted" in select.locator("option:checked").inner_text()
    phone_page.get_by_label("What was said").fill("The last bus leaves before the clinic ends.")
    shoot(phone_page, "capture-from-noted-activity-phone")
    assert no_sideways_scroll(phone_page)
    phone_page.get_by_role("button", name="Save insight").click()
    phone_page.get_by_text("Insight saved.").wait_for()

    # From the café, which has no note, the form asks for consent; nothing saved without.
    select = phone_page.get_by_label("Which activity was this?")
    select.select_option(str(cafe.pk))
    phone_page.get_by_label("What was said").fill("Letters from the clinic are only in English.")
    phone_page.get_by_role("button", name="Save insight").click()
    phone_page.get_by_role("heading", name="There is a problem").wait_for()
    expect(phone_page.get_by_role("link", name="Tick that they agreed")).to_be_visible()
    shoot(phone_page, "capture-needs-consent-phone")
    assert no_sideways_scroll(phone_page)
    with scopes_disabled():
        assert Insight.objects.filter(activity=cafe).count() == 0
    phone_page.get_by_label("They agreed to this being recorded").check()
    phone_page.get_by_role("button", name="Save insight").click()
    phone_page.get_by_text("Insight saved.").wait_for()
    with scopes_disabled():
        saved = Insight.objects.get(activity=cafe)
        assert saved.record_consent == RecordConsent.IN_PERSON
        assert Insight.objects.get(activity=popup).record_consent == RecordConsent.ACTIVITY
    phone_page.goto(f"{base}/insights/{saved.pk}/")
    phone_page.get_by_text("They agreed to this being recorded.").wait_for()
    shoot(phone_page, "insight-consent-phone")
    assert no_sideways_scroll(phone_page)

    # The old insight is not quoted on the public page; its page says why.
    page.context.clear_cookies()
    page.goto(public_url)
    main = page.locator("main").inner_text()
    assert OLD_QUOTE not in main and "We ordered chairs." in main
    assert "1 thing people told us is not quoted here" in main
    shoot(page, "public-page-not-quoted")
    sign_in(page, live_server, staff.email)
    page.goto(f"{base}/insights/{old.pk}/")
    page.get_by_text("There is no record that they agreed to this being recorded").wait_for()
    shoot(page, "insight-consent-not-recorded")

    # Dan was told at the café that she agreed: he confirms it and the page quotes her.
    page.get_by_role("link", name="Edit insight").click()
    page.get_by_label("They agreed to this being recorded").check()
    page.get_by_role("button", name="Save changes").click()
    page.get_by_text("Insight updated.").wait_for()
    page.get_by_text("They agreed to this being recorded.").wait_for()
    page.context.clear_cookies()
    page.goto(public_url)
    assert OLD_QUOTE in page.locator("main").inner_text()
    shoot(page, "public-page-quoted")
    phone_page.context.clear_cookies()
    phone_page.goto(public_url)
    assert no_sideways_scroll(phone_page)
    shoot(phone_page, "public-page-quoted-phone")
