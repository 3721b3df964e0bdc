"""Browser journey: an engagement lead writes a report-back answering two insights (with
the reading-ease score updating as they type), publishes it and switches on the public
page; an anonymous visitor reads it on a phone."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from actions.tests.builders import (
    make_action,
    make_plan,
    make_priority,
    make_signed_off,
    make_update,
)
from cycles.tests.builders import make_cycle
from feedback.models import Insight, ReportBack
from feedback.tests.builders import make_insight, make_theme
from t2a.models import Role
from tests.browser import sign_in
from tests.cast import make_member, make_organisation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = (
    "Thank you for talking to us at the cafés. You told us the bus stops before evening "
    "clinics end. You told us you had to ask your children to interpret. We now book an "
    "interpreter for every scan. We asked the bus company to run a later bus."
)


def test_lead_publishes_a_report_back_and_a_visitor_reads_it_on_a_phone(
    page, phone_page, live_server, shoot
):
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
        place="Highfields",
    )
    transport = make_theme(cycle, "Transport")
    week_ago = timezone.now() - timedelta(days=7)
    buses = make_insight(
        cycle,
        "The bus stops before evening clinics end.",
        themes=[transport],
        captured_at=week_ago,
    )
    interpreters = make_insight(
        cycle,
        "Children are asked to interpret at scans.",
        quote="My nine-year-old had to tell me the scan results.",
        captured_at=week_ago,
    )
    other = make_insight(cycle, "Leaflets are only in English.", captured_at=week_ago)
    make_insight(cycle, "A private disclosure about home.", sensitivity="sensitive")
    priority = make_priority(cycle, "Getting to appointments")
    make_plan(cycle, status="in_delivery", signed_off_at=timezone.now())
    later_bus = make_action(cycle, "A later bus on route 31", priority=priority, status="on_track")
    make_update(later_bus, public=True, narrative="The bus company agreed to a trial.")
    make_update(later_bus, public=False, narrative="Internal: budget not yet approved.")
    make_action(
        cycle,
        "Free hospital parking",
        priority=priority,
        in_scope=False,
        out_of_scope_reason="Parking charges are set nationally.",
    )
    make_signed_off(cycle)

    sign_in(page, live_server, staff.email)
    page.goto(f"{live_server.url}/o/northgate/listening/cycles/{cycle.pk}/")
    page.get_by_role("link", name="Report-backs and public page", exact=True).first.click()
    shoot(page, "report-backs-empty")
    page.get_by_role("link", name="Write a report-back").click()
    page.get_by_label("Title").fill("What you told us about getting to clinics")
    body = page.get_by_label("What you want to tell people")
    body.fill("Going forward we will leverage the stakeholder pathway")
    body.press("End")
    page.get_by_text("Reading ease:").first.wait_for()
    readability = page.locator("#body-readability")
    readability.get_by_text("stakeholder").wait_for()
    shoot(page, "reading-ease-jargon")
    body.fill(BODY)
    body.press("End")
    readability.get_by_text("Meets your target of 60").wait_for()
    assert "stakeholder" not in readability.inner_text()
    page.get_by_label("The bus stops before evening clinics end.").check()
    page.get_by_label("Children are asked to interpret at scans.").check()
    page.get_by_label("Transport").check()
    page.get_by_label("A later bus on route 31", exact=True).check()
    page.get_by_label("The bus company agreed to a trial.", exact=False).check()
    page.get_by_label("Letter").check()
    page.get_by_label("WhatsApp").check()
    page.get_by_label("Who it is for (optional)").fill("Families who came to the cafés")
    shoot(page, "report-back-form")
    page.get_by_role("button", name="Save as a draft").click()
    page.get_by_text("Report-back saved as a draft").wait_for()
    shoot(page, "report-back-draft")
    page.get_by_role("button", name="Publish report-back").click()
    page.get_by_text("Report-back published").wait_for()
    shoot(page, "report-back-published")

    with scopes_disabled():
        report_back = ReportBack.objects.get()
        assert report_back.published_at is not None
        for insight in (buses, interpreters):
            assert Insight.objects.get(pk=insight.pk).answered_at == report_back.published_at
        assert Insight.objects.get(pk=other.pk).answered_at is None

    page.get_by_role("link", name="Report-backs", exact=True).first.click()
    page.get_by_role("link", name="Set up and switch on the public page").click()
    page.get_by_label("How people can get involved").fill(
        "Come to the café at Highfields library on Tuesday mornings. You do not need to book."
    )
    page.get_by_label("Show the public page").check()
    shoot(page, "public-page-settings")
    page.get_by_role("button", name="Save public page").click()
    page.get_by_text("The public page is on").wait_for()
    shoot(page, "public-page-on")

    public_url = f"{live_server.url}/p/northgate/maternity-voices/"
    response = phone_page.goto(public_url)
    assert response.status == 200
    assert "no-cache" in response.headers["cache-control"]
    phone_page.get_by_role("heading", name="Maternity voices in Highfields").wait_for()
    phone_page.get_by_role("heading", name="What you told us about getting to clinics").wait_for()
    text = phone_page.locator("main").inner_text()
    assert "Children are asked to interpret at scans." in text
    assert "A community member" in text
    assert "The bus company agreed to a trial." in text
    assert "Parking charges are set nationally." in text
    assert "Internal: budget" not in text and "private disclosure" not in text
    assert "Leaflets are only in English." not in text
    assert "dan@northgate" not in phone_page.content()
    # Mobile-first: nothing wider than the phone.
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page is {width}px wide on a 390px phone"
    shoot(phone_page, "public-page-phone")
    assert not phone_page.context.cookies()
