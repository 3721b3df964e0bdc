"""Browser journey: an engagement lead opens a trust pulse and copies its link; a visitor
on a phone answers it, sees the thank-you and, on reloading, not the form again; the lead
then sees the answer in the results."""

from datetime import date

import pytest
from django_scopes import scopes_disabled

from cycles.models import Cycle
from cycles.tests.builders import make_cycle
from feedback.models import PulseResponse
from feedback.tests.builders import make_pulse_responses, make_pulse_survey
from t2a.models import Role
from tests.browser import sign_in
from tests.cast import make_member, make_organisation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_lead_opens_a_pulse_and_a_visitor_answers_it_on_a_phone(
    page, phone_page, live_server, shoot, settings
):
    org = make_organisation("Northgate ICB", "northgate", brand_colour="#00403a")
    staff = make_member(org, Role.ENGAGEMENT_LEAD, "dan@northgate.example.org")
    earlier = make_cycle(org, "Maternity voices 2025", slug="maternity-2025", lead=staff)
    cycle = make_cycle(
        org,
        "Maternity voices in Highfields",
        slug="maternity-voices",
        lead=staff,
        start_date=date(2026, 1, 5),
    )
    with scopes_disabled():
        Cycle.objects.filter(pk=cycle.pk).update(previous_iteration=earlier)
    last_time, _ = make_pulse_survey(earlier, closed=True)
    make_pulse_responses(last_time, [(2, 3, 1, 2, 3, 2), (3, 2, 2, 3, 3, 2)])

    # Shared links are built from SITE_URL (t2a/links.py); here the site is the live server.
    settings.SITE_URL = live_server.url
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    sign_in(page, live_server, staff.email)
    page.goto(f"{live_server.url}/o/northgate/listening/cycles/{cycle.pk}/")
    page.get_by_role("link", name="Trust pulse", exact=True).click()
    page.get_by_role("heading", name="Trust pulse", exact=True).wait_for()
    shoot(page, "pulse-not-open")
    page.get_by_role("button", name="Open a trust pulse survey").click()
    page.get_by_text("Trust pulse open. Copy the link below and share it.").wait_for()
    page.get_by_role("button", name="Copy link").click()
    page.get_by_text("Link copied.").wait_for()
    shoot(page, "pulse-open-link-copied")
    link = page.evaluate("navigator.clipboard.readText()")
    assert link == page.get_by_label("Survey link").input_value()
    assert link.startswith(f"{live_server.url}/p/northgate/maternity-voices/trust-pulse/")

    response = phone_page.goto(link)
    assert response.status == 200
    phone_page.get_by_role("heading", name="How much do you trust us?").wait_for()
    shoot(phone_page, "pulse-form-phone")
    # Sending it half-filled shows what is missing, and saves nothing.
    phone_page.get_by_role("group", name="Openness").get_by_label("4 – Mostly").check()
    phone_page.get_by_role("button", name="Send my answers").click()
    phone_page.get_by_role("heading", name="There is a problem").wait_for()
    assert phone_page.title().startswith("Error: ")
    summary = phone_page.locator(".nhsuk-error-summary").inner_text()
    assert "Choose a number from 1 to 5 for fairness." in summary
    assert "openness" not in summary
    shoot(phone_page, "pulse-form-errors-phone")
    with scopes_disabled():
        assert not PulseResponse.objects.filter(survey__cycle=cycle).exists()
    assert phone_page.get_by_role("group", name="Openness").get_by_label("4 – Mostly").is_checked()
    for label, answer in (
        ("Fairness", "3 – Partly"),
        ("Consistency", "2 – A little"),
        ("Understanding", "5 – Completely"),
        ("Ability", "3 – Partly"),
        ("Integrity", "4 – Mostly"),
    ):
        phone_page.get_by_role("group", name=label).get_by_label(answer).check()
    phone_page.get_by_label("Anything else you want to tell us? (optional)").fill(
        "Nobody called me back about the interpreter."
    )
    phone_page.get_by_role("button", name="Send my answers").click()
    phone_page.get_by_role("heading", name="Thank you").wait_for()
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page is {width}px wide on a 390px phone"
    shoot(phone_page, "pulse-thanks-phone")
    phone_page.reload()
    phone_page.get_by_role("heading", name="Thank you").wait_for()
    assert phone_page.get_by_role("button", name="Send my answers").count() == 0
    shoot(phone_page, "pulse-thanks-after-reload-phone")
    # Nothing but the CSRF cookie and the answered-once mark: no session.
    names = {c["name"] for c in phone_page.context.cookies()}
    assert names == {"csrftoken", "t2a_pulse"}

    page.reload()
    results = page.locator("main")
    results.get_by_text("Nobody called me back about the interpreter.").wait_for()
    assert page.locator(".t2a-stat").inner_text() == "1"
    row = page.get_by_role("row").filter(has_text="Understanding").first
    assert "5.0" in row.inner_text()
    chart = page.get_by_role("img", name="Trust pulse averages by iteration")
    assert "Maternity voices 2025: 2.0" in chart.inner_html()  # last time, for comparison
    assert "Maternity voices in Highfields: 5.0" in chart.inner_html()
    shoot(page, "pulse-results")
    with scopes_disabled():
        answer = PulseResponse.objects.get(survey__cycle=cycle)
        assert (answer.openness, answer.understanding, answer.integrity) == (4, 5, 4)
