"""Browser journey: an admin changes the organisation's web address in its settings; a
refused address says why, and an old bookmark lands on the same page at the new address.
Then the admin starts a second organisation with a web address of their choosing."""

import pytest
from playwright.sync_api import expect

from t2a.models import Role
from tests.browser import sign_in
from tests.cast import make_member, make_organisation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_changes_the_web_address_and_old_links_still_work(
    page, phone_page, live_server, shoot
):
    org = make_organisation("Leicester Health Partnership", "leicester", brand_colour="#00403a")
    admin = make_member(org, Role.ADMIN, "admin@leicester.example.org")
    lead = make_member(org, Role.ENGAGEMENT_LEAD, "lead@leicester.example.org")
    sign_in(page, live_server, admin.email)
    page.goto(f"{live_server.url}/o/leicester/settings/")
    address = page.get_by_label("Web address")
    assert address.input_value() == "leicester"

    address.fill("settings")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("There is a problem").wait_for()
    expect(page.get_by_role("link", name="is a word the site uses")).to_be_visible()
    shoot(page, "web-address-refused")

    page.get_by_label("Web address").fill("leicester-partnership")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("The web address is now /o/leicester-partnership/").wait_for()
    assert page.url.endswith("/o/leicester-partnership/settings/")
    shoot(page, "web-address-changed")

    sign_in(phone_page, live_server, lead.email)
    phone_page.goto(f"{live_server.url}/o/leicester/")
    assert phone_page.url == f"{live_server.url}/o/leicester-partnership/"
    expect(phone_page.get_by_text("Leicester Health Partnership").first).to_be_visible()
    shoot(phone_page, "old-address-lands-on-the-new-one")

    page.goto(f"{live_server.url}/organisations/new/")
    page.get_by_label("Organisation name").fill("Leicester Partners Forum")
    page.get_by_label("Web address").fill("leicester-partnership")
    page.get_by_role("button", name="Create").click()
    page.get_by_text("Another organisation uses this web address").first.wait_for()
    shoot(page, "create-with-a-taken-address")
    page.get_by_label("Web address").fill("partners-forum")
    page.get_by_role("button", name="Create").click()
    page.wait_for_url(f"{live_server.url}/o/partners-forum/")
