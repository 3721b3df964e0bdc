"""Browser journey: a community lead at their pop-up, on a phone, records two insights and
starts a new theme; the second insight picks that theme from the htmx suggestions."""

from datetime import date

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from cycles.tests.builders import make_cycle
from feedback.models import Insight, Theme
from feedback.tests.builders import make_activity, make_theme
from stakeholders.tests.builders import make_stakeholder
from t2a.models import Role
from tests.browser import sign_in
from tests.cast import make_member, make_organisation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_community_lead_records_two_insights_from_their_pop_up_on_a_phone(
    phone_page, live_server, shoot
):
    page = phone_page
    org = make_organisation("Northgate ICB", "northgate", brand_colour="#00403a")
    lead = make_member(org, Role.COMMUNITY_LEAD, "shanice@northgate.example.org")
    staff = make_member(org, Role.ENGAGEMENT_LEAD, "dan@northgate.example.org")
    cycle = make_cycle(
        org,
        "Maternity voices in Highfields",
        lead=staff,
        community_leads=(lead,),
        start_date=date(2026, 1, 5),
        population_groups=["Somali families", "Young mothers under 20"],
    )
    library = make_stakeholder(org, "Highfields library", kind="place", trusted_place=True)
    popup = make_activity(
        cycle, "Saturday pop-up at Highfields library", venue=library, facilitators=[lead]
    )
    make_theme(cycle, "Interpreters")

    sign_in(page, live_server, lead.email)

    page.goto(f"{live_server.url}/o/northgate/listening/")
    shoot(page, "listening-home")
    assert no_sideways_scroll(page)
    page.get_by_role("link", name="Maternity voices in Highfields").click()
    shoot(page, "cycle-calendar")
    assert no_sideways_scroll(page)
    page.get_by_role("link", name="Saturday pop-up at Highfields library").click()
    shoot(page, "activity")
    page.get_by_role("link", name="Record insight from this activity").click()

    # The activity is already chosen: the form is short.
    assert page.get_by_label("Which activity was this?").input_value() == str(popup.pk)
    shoot(page, "capture-empty")
    assert no_sideways_scroll(page)
    save = page.get_by_role("button", name="Save insight")
    assert save.bounding_box()["height"] >= 44  # a comfortable touch target

    # A mistake first: nothing written.
    save.click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    shoot(page, "capture-error")

    page.get_by_label("What was said").fill(
        "Bus fares to the maternity unit are too much for a weekly appointment."
    )
    themes = page.get_by_label("Themes (optional)")
    themes.fill("Bus fares")
    page.get_by_text("is a new theme").wait_for()
    shoot(page, "new-theme-hint")
    page.get_by_label("Which group is the speaker from? (optional)").select_option(
        "Somali families"
    )
    page.get_by_label("They agreed to this being recorded").check()
    page.get_by_role("button", name="Save insight").click()
    page.get_by_text("Insight saved.").wait_for()
    shoot(page, "first-saved")

    # Second insight: the new theme is now suggested as it is typed.
    page.get_by_label("What was said").fill("No interpreter at the scan, so my sister came.")
    page.get_by_label("A quote (optional)").fill("I did not understand what they told me.")
    page.get_by_label("Themes (optional)").press_sequentially("bus", delay=50)
    suggestion = page.get_by_role("button", name="Bus fares (add this theme)")
    suggestion.wait_for()
    shoot(page, "theme-suggestion")
    suggestion.click()
    expect(page.get_by_label("Themes (optional)")).to_have_value("Bus fares, ")
    page.get_by_label("Themes (optional)").press("End")
    page.get_by_label("Themes (optional)").press_sequentially("Interp", delay=50)
    page.get_by_role("button", name="Interpreters (add this theme)").click()
    expect(page.get_by_label("Themes (optional)")).to_have_value("Bus fares, Interpreters, ")
    page.get_by_label("They agreed to this being recorded").check()
    page.get_by_role("button", name="Save insight").click()
    page.get_by_text("Insight saved.").wait_for()
    assert no_sideways_scroll(page)

    with scopes_disabled():
        insights = list(Insight.objects.filter(cycle=cycle).order_by("captured_at"))
        assert [i.activity_id for i in insights] == [popup.pk, popup.pk]
        assert all(i.captured_by_id == lead.pk for i in insights)
        assert [t.name for t in insights[0].themes.all()] == ["Bus fares"]
        assert sorted(t.name for t in insights[1].themes.all()) == ["Bus fares", "Interpreters"]
        assert Theme.objects.filter(cycle=cycle).count() == 2

    page.goto(f"{live_server.url}/o/northgate/listening/cycles/{cycle.pk}/themes/")
    expect(page.get_by_text("2 insights")).to_be_visible()
    shoot(page, "themes")
    assert no_sideways_scroll(page)
