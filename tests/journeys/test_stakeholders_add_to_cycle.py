"""Browser journey (issue 23, item 7): from the cycle's 3Ts page the engagement lead adds a
new Trusted Place straight into the cycle, then searches the register, ticks two and adds
them in one go; the grid page offers the same."""

from datetime import date

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from cycles.tests.builders import make_cycle
from stakeholders.models import StakeholderCycle
from stakeholders.tests.builders import make_stakeholder
from t2a.models import Role
from tests.browser import sign_in
from tests.cast import make_member, make_organisation

from .steps import no_sideways_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_lead_adds_stakeholders_into_the_cycle_from_its_3ts_page(
    page, phone_page, live_server, shoot
):
    org = make_organisation("Northgate ICB", "northgate", brand_colour="#00403a")
    staff = make_member(org, Role.ENGAGEMENT_LEAD, "dan@northgate.example.org")
    cycle = make_cycle(
        org, "Maternity voices in Highfields", lead=staff, start_date=date(2026, 1, 5)
    )
    for name in ("Highfields library", "Highfields children's centre", "Al-Noor mosque"):
        make_stakeholder(org, name)
    trusted = f"{live_server.url}/o/northgate/stakeholders/cycles/{cycle.pk}/trusted/"

    sign_in(page, live_server, staff.email)
    page.goto(trusted)
    shoot(page, "3ts-with-add-links")
    page.get_by_role("link", name="Add a new stakeholder").click()
    page.locator("#into-cycle").wait_for()
    page.get_by_label("Name", exact=True).fill("Somali Mothers' Group")
    page.get_by_label("Place", exact=True).check()
    page.get_by_label("Trusted Place").check()
    page.get_by_label("Sector").select_option("community")
    shoot(page, "new-stakeholder-into-cycle")
    page.get_by_role("button", name="Add stakeholder").click()
    page.wait_for_url(trusted)
    page.get_by_text("has been added to the register and to the map for").wait_for()
    shoot(page, "3ts-after-new")

    page.get_by_role("link", name="Add from the register").click()
    page.get_by_role("button", name="Add ticked stakeholders").click()
    page.get_by_role("heading", name="There is a problem").wait_for()
    shoot(page, "bulk-add-error")
    page.get_by_label("Search by name, notes or language").fill("highfields")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_label("Al-Noor mosque")).to_have_count(0)
    page.get_by_label("Highfields library").check()
    page.get_by_label("Highfields children's centre").check()
    page.get_by_label("Their role in this cycle (optional)").fill("Venue host")
    shoot(page, "bulk-add-ticked")
    page.get_by_role("button", name="Add ticked stakeholders").click()
    page.wait_for_url(trusted)
    page.get_by_text("2 stakeholders added to the map for").wait_for()
    with scopes_disabled():
        names = set(
            StakeholderCycle.objects.filter(cycle=cycle).values_list("stakeholder__name", flat=True)
        )
    assert names == {"Somali Mothers' Group", "Highfields library", "Highfields children's centre"}

    sign_in(phone_page, live_server, staff.email)
    phone_page.goto(f"{live_server.url}/o/northgate/stakeholders/cycles/{cycle.pk}/add/?back=grid")
    assert no_sideways_scroll(phone_page)
    shoot(phone_page, "bulk-add-phone")
    phone_page.goto(f"{live_server.url}/o/northgate/stakeholders/cycles/{cycle.pk}/grid/")
    assert no_sideways_scroll(phone_page)
    shoot(phone_page, "grid-with-add-links-phone")
