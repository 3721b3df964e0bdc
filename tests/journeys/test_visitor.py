"""Anonymous visitor: reads a cycle's public "you said, we did" page on a desktop and on a
phone, follows its links, sees nothing staff-only, and gets "page not found" for every
cycle that is not published."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from actions.tests.builders import (
    make_action,
    make_escalation,
    make_plan,
    make_priority,
    make_signed_off,
    make_update,
)
from cycles.tests.builders import make_cycle
from feedback.tests.builders import make_insight, make_public_page, make_report_back
from t2a.models import Role
from tests.cast import make_member, make_organisation, make_user

from .steps import no_sideways_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Maternity voices in Highfields"
STAFF_ONLY = [
    "Internal: the budget is not approved yet",
    "A private disclosure about home",
    "Draft wording we have not agreed",
    "The trust board refused funding",
    "Dan Whitfield",
    "dan@northgate.example.org",
    "Hodan Ali",
]


def build():
    org = make_organisation("Northgate ICB", "northgate", brand_colour="#00403a")
    make_user("dan@northgate.example.org", full_name="Dan Whitfield")
    staff = make_member(org, Role.ENGAGEMENT_LEAD, "dan@northgate.example.org")
    make_user("hodan@northgate.example.org", full_name="Hodan Ali")
    community = make_member(org, Role.COMMUNITY_LEAD, "hodan@northgate.example.org")
    cycle = make_cycle(
        org, TITLE, slug="maternity-voices", lead=staff, community_leads=(community,)
    )
    priority = make_priority(cycle, "Getting to evening appointments")
    make_plan(cycle, status="in_delivery", signed_off_at=timezone.now())
    bus = make_action(cycle, "A later bus on route 31", priority=priority, owner=staff)
    update = make_update(bus, public=True, narrative="The bus company agreed to a trial.")
    make_update(bus, public=False, narrative="Internal: the budget is not approved yet.")
    make_escalation(bus, raised_by=staff, reason="The trust board refused funding.")
    make_action(
        cycle,
        "Free hospital parking",
        priority=priority,
        in_scope=False,
        out_of_scope_reason="Parking charges are set nationally.",
    )
    make_signed_off(cycle)
    heard = make_insight(
        cycle,
        "The last bus leaves before the evening clinic ends.",
        captured_at=timezone.now() - timedelta(days=9),
        captured_by=community,
    )
    make_insight(cycle, "A private disclosure about home.", sensitivity="sensitive")
    now = timezone.now()
    make_report_back(
        cycle,
        "What you told us about buses",
        insights=[heard],
        actions=[bus],
        progress_updates=[update],
        published_at=now,
    )
    make_report_back(cycle, "Draft wording we have not agreed", body="Not yet.")
    make_public_page(
        cycle,
        summary="Mothers in Highfields miss evening antenatal appointments.",
        how_to_get_involved="Come to the café at Highfields library on Tuesday mornings.",
    )
    # Cycles the public must not find: page switched off, page never set up.
    switched_off = make_cycle(org, "Switched off cycle", slug="switched-off", lead=staff)
    make_report_back(switched_off, "Off report", published_at=now)
    make_public_page(switched_off, enabled=False)
    make_cycle(org, "Never set up", slug="never-set-up", lead=staff)
    # Another organisation's published cycle, to try under the wrong organisation.
    other = make_organisation("Southfield Council", "southfield")
    elsewhere = make_cycle(other, "Southfield cycle", slug="southfield-cycle")
    make_public_page(elsewhere)
    return org, cycle


def assert_nothing_staff_only(page) -> None:
    html = page.content()
    for secret in STAFF_ONLY:
        assert secret not in html, secret
    assert page.locator("form").count() == 0
    assert page.locator("input[name=csrfmiddlewaretoken]").count() == 0
    assert page.locator("a[href*='/o/'], a[href*='/accounts/']").count() == 0
    assert not page.context.cookies()


def test_visitor_reads_the_public_page_and_finds_nothing_else(page, phone_page, live_server, shoot):
    org, cycle = build()
    public_url = f"{live_server.url}/p/northgate/maternity-voices/"

    # Desktop.
    response = page.goto(public_url)
    assert response.status == 200
    assert "public" in response.headers["cache-control"]
    assert "set-cookie" not in response.headers
    page.get_by_role("heading", name=TITLE, level=1).wait_for()
    shoot(page, "public-page")
    main = page.locator("main").inner_text()
    for shown in (
        "Mothers in Highfields miss evening antenatal appointments.",
        "Getting to evening appointments",
        "A later bus on route 31",
        "The bus company agreed to a trial.",
        "What you told us about buses",
        "The last bus leaves before the evening clinic ends.",
        "Free hospital parking",
        "Parking charges are set nationally.",
        "Come to the café at Highfields library on Tuesday mornings.",
    ):
        assert shown in main, shown
    assert_nothing_staff_only(page)

    # The page's own links: the skip link (keyboard), then each contents entry.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url(f"{public_url}#maincontent")
    contents = page.get_by_role("navigation", name="On this page")
    for link, anchor, heading in (
        ("What we agreed to work on", "priorities", "What we agreed to work on"),
        ("You said, we did", "report-backs", "You said, we did"),
        ("What we cannot change, and why", "out-of-scope", "What we cannot change, and why"),
        ("How to get involved", "get-involved", "How to get involved"),
    ):
        contents.get_by_role("link", name=link).click()
        page.wait_for_url(f"{public_url}#{anchor}")
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_in_viewport()
    shoot(page, "public-page-followed-links")

    # Phone.
    response = phone_page.goto(public_url)
    assert response.status == 200
    phone_page.get_by_role("heading", name=TITLE, level=1).wait_for()
    assert no_sideways_scroll(phone_page)
    shoot(phone_page, "public-page-phone")
    phone_page.get_by_role("navigation", name="On this page").get_by_role(
        "link", name="How to get involved"
    ).click()
    phone_page.wait_for_url(f"{public_url}#get-involved")
    expect(phone_page.get_by_role("heading", name="How to get involved")).to_be_in_viewport()
    assert_nothing_staff_only(phone_page)

    # Nothing unpublished is found, whichever address is tried.
    for path, name in (
        ("/p/northgate/switched-off/", "not-found-switched-off"),
        ("/p/northgate/never-set-up/", "not-found-never-set-up"),
        ("/p/northgate/no-such-cycle/", "not-found-no-such-cycle"),
        ("/p/northgate/southfield-cycle/", "not-found-other-organisation"),
        ("/p/nowhere/maternity-voices/", "not-found-no-such-organisation"),
    ):
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 404, path
        html = page.content()
        for leaked in ("Switched off cycle", "Off report", "Never set up", "Southfield cycle"):
            assert leaked not in html, (path, leaked)
        shoot(page, name)
    assert not page.context.cookies()
    assert not phone_page.context.cookies()
