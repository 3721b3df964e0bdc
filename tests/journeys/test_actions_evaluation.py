"""Browser journey: the engagement lead writes the annual evaluation (one mistake caught on
the way) and builds a three-level ripple-effect map with htmx, edits and removes an effect
in place; a phone view of the map."""

import re
from datetime import date

import pytest
from django_scopes import scopes_disabled

from actions.models import Evaluation, RippleEffect
from actions.tests.builders import make_action
from cycles.tests.builders import make_cycle
from t2a.models import Role
from tests.browser import sign_in
from tests.cast import make_member, make_organisation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def add_effect(page, description: str, level: str, parent: str | None = None) -> None:
    form = page.locator("#ripple-body form[action$='/ripple-map/add/']")
    form.get_by_label("What changed").fill(description)
    form.get_by_label(level, exact=True).check()
    if parent:
        form.get_by_label("Grew out of (optional)").select_option(label=parent)
    form.get_by_role("button", name="Add effect").click()
    page.get_by_text(f"Added \u2018{description}\u2019.").wait_for()


def test_lead_writes_the_evaluation_and_maps_the_ripples(page, phone_page, live_server, shoot):
    org = make_organisation("Northgate ICB", "northgate", brand_colour="#00403a")
    staff = make_member(org, Role.ENGAGEMENT_LEAD, "dan@northgate.example.org")
    hodan = make_member(org, Role.COMMUNITY_LEAD, "hodan@northgate.example.org")
    cycle = make_cycle(
        org, "Maternity voices in Highfields", lead=staff, community_leads=(hodan,),
        start_date=date(2026, 1, 5),
    )  # fmt: skip
    make_action(cycle, "Evening antenatal clinic")
    base = f"{live_server.url}/o/northgate/actions/cycles/{cycle.pk}"

    sign_in(page, live_server, staff.email)
    page.goto(f"{live_server.url}/o/northgate/cycles/{cycle.pk}/")
    page.get_by_role("link", name="Annual evaluation for Maternity voices in Highfields").click()
    page.wait_for_url(f"{base}/evaluation/")
    page.get_by_role("link", name="Write the evaluation").click()
    page.get_by_label("What worked").fill("Cafés at the Highfields centre brought 40 women.")
    page.get_by_label("What to adapt").fill("Start the evening clinic before winter.")
    page.get_by_label("Community confidence and capability").fill("Hodan now chairs the group.")
    page.get_by_label("Health outcomes").fill("x" * 4001)
    page.get_by_label("Learning and next steps").fill("Hand the cafés to community leads.")
    # The character count tells the lead before the server does.
    page.get_by_text("You have 1 character too many").first.wait_for()
    page.get_by_role("button", name="Save evaluation").click()
    page.get_by_text("There is a problem").wait_for()
    assert page.title().startswith("Error:")
    shoot(page, "evaluation-error")
    page.get_by_label("Health outcomes").fill("Early bookings rose from 58% to 66%.")
    page.get_by_role("button", name="Save evaluation").click()
    page.wait_for_url(f"{base}/evaluation/")
    page.get_by_text("The evaluation has been saved.").wait_for()
    page.get_by_text("5 of 8 sections written").wait_for()
    shoot(page, "evaluation")
    with scopes_disabled():
        assert Evaluation.objects.get(cycle=cycle).what_to_adapt == (
            "Start the evening clinic before winter."
        )

    # The ripple-effect map, built with htmx: the page never reloads.
    page.get_by_role("link", name="Open the ripple-effect map").click()
    page.wait_for_url(f"{base}/ripple-map/")
    page.evaluate("window.__stayed = true")  # gone if the page navigates
    add_effect(page, "Hodan trained as a community listener", "Individual")
    add_effect(
        page, "The Somali mothers' group meets every week", "Community",
        parent="Hodan trained as a community listener (Individual)",
    )  # fmt: skip
    form = page.locator("#ripple-body form[action$='/ripple-map/add/']")
    form.get_by_label("Linked action (optional)").select_option(label="Evening antenatal clinic")
    add_effect(
        page, "The trust opened an evening clinic", "System",
        parent="\u2003The Somali mothers' group meets every week (Community)",
    )  # fmt: skip
    assert page.evaluate("window.__stayed === true")
    page.wait_for_selector("svg.t2a-ripple-map")
    assert page.locator("svg.t2a-ripple-map g").count() == 3
    assert "Action: Evening antenatal clinic" in page.locator("#effects ~ ul").first.inner_text()
    shoot(page, "ripple-map")

    # A mistake is caught in place.
    page.locator("#ripple-body form[action$='/ripple-map/add/']").get_by_role(
        "button", name="Add effect"
    ).click()
    page.get_by_text("Describe the effect.").first.wait_for()
    shoot(page, "ripple-map-error")

    # Edit one effect in place.
    with scopes_disabled():
        system = RippleEffect.objects.get(level="system")
    page.get_by_role("link", name="Edit \u2018The trust opened an evening clinic\u2019").click()
    edit = page.locator(f"#effect-{system.pk}-item form")
    edit.get_by_label("What changed").fill("The trust opened two evening clinics")
    shoot(page, "ripple-edit-inline")
    edit.get_by_role("button", name="Save effect").click()
    page.locator("svg.t2a-ripple-map").get_by_text(
        "The trust opened two evening", exact=True
    ).wait_for()
    assert page.evaluate("window.__stayed === true")

    # Remove the middle effect: the system change moves up under Hodan's effect.
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name=re.compile("^Remove \u2018The Somali mothers")).click()
    page.get_by_text("1 effect that grew out of it has moved up a level.").wait_for()
    with scopes_disabled():
        system.refresh_from_db()
        root = RippleEffect.objects.get(level="individual")
    assert system.parent_id == root.pk
    assert page.evaluate("window.__stayed === true")
    shoot(page, "ripple-after-remove")

    # The community lead reads the map on a phone.
    sign_in(phone_page, live_server, hodan.email)
    phone_page.goto(f"{base}/ripple-map/")
    phone_page.wait_for_selector("svg.t2a-ripple-map")
    shoot(phone_page, "ripple-map-phone")
