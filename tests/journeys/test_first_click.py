"""Browser journeys: where signing in lands each person, and telling cycles and named
people apart.

- A member of one organisation lands on its home; nobody but an admin, or someone in no
  organisation, is offered to create one.
- An engagement lead cannot give a second open cycle the same title, sees what tells two
  cycles of the same work apart, records a person's consent to be named, and adds them to
  the right cycle from a list that says which is which.
"""

from datetime import date

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from cycles.tests.builders import make_cycle
from stakeholders.models import Stakeholder
from stakeholders.tests.builders import make_stakeholder
from t2a.models import Role
from tests.cast import make_member, make_organisation, make_user

from .steps import no_sideways_scroll, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("role", [Role.COMMUNITY_LEAD, Role.GOVERNANCE, Role.ADMIN])
def test_a_member_of_one_organisation_lands_on_its_home(page, phone_page, live_server, shoot, role):
    org = make_organisation("Northgate ICB", "northgate", brand_colour="#00403a")
    user = make_member(org, role, f"{role.value}@northgate.example.org")
    for screen, size in ((page, "desktop"), (phone_page, "phone")):
        sign_in(screen, live_server, user.email)
        assert screen.url == f"{live_server.url}/o/northgate/"
        screen.get_by_role("heading", name="Northgate ICB").first.wait_for()
        assert not screen.get_by_text("Create an organisation").count()
        shoot(screen, f"home-{size}")
        assert no_sideways_scroll(screen)
    # The header's "Your organisations" lists it; only an admin may start another.
    page.get_by_role("link", name="Your organisations").click()
    page.get_by_role("heading", name="Your organisations").wait_for()
    offered = page.get_by_role("link", name="Create an organisation").count() == 1
    assert offered is (role == Role.ADMIN)
    shoot(page, "chooser")


def test_someone_in_several_chooses_and_someone_in_none_may_start_one(
    page, phone_page, live_server, shoot
):
    northgate = make_organisation("Northgate ICB", "northgate")
    southfield = make_organisation("Southfield Council", "southfield")
    lead = make_member(northgate, Role.COMMUNITY_LEAD, "hodan@example.org")
    make_member(southfield, Role.GOVERNANCE, lead.email)
    sign_in(phone_page, live_server, lead.email)
    phone_page.get_by_role("heading", name="Your organisations").wait_for()
    expect(phone_page.get_by_role("link", name="Southfield Council")).to_be_visible()
    assert not phone_page.get_by_text("Create an organisation").count()
    shoot(phone_page, "chooser-phone")
    phone_page.get_by_role("link", name="Northgate ICB").click()
    phone_page.wait_for_url(f"{live_server.url}/o/northgate/")

    newcomer = make_user("new@example.org", full_name="Nia Jones")
    sign_in(page, live_server, newcomer.email)
    page.get_by_text("You are not a member of any organisation yet").wait_for()
    page.get_by_role("link", name="Create an organisation").click()
    page.get_by_role("heading", name="Create an organisation").wait_for()


def test_lead_tells_cycles_apart_and_records_consent_to_be_named(
    page, phone_page, live_server, shoot
):
    org = make_organisation("Northgate ICB", "northgate", brand_colour="#00403a")
    lead = make_member(org, Role.ENGAGEMENT_LEAD, "dan@northgate.example.org")
    first = make_cycle(
        org,
        "Maternity voices",
        lead=lead,
        status="closing",
        start_date=date(2025, 1, 6),
        target_date=date(2025, 12, 19),
    )
    make_cycle(
        org,
        "Maternity voices 2026",
        lead=lead,
        status="active",
        previous_iteration=first,
        iteration=2,
        start_date=date(2026, 1, 5),
    )
    sumi = make_stakeholder(org, "সুমি বেগম", trusted_voice=True)
    sign_in(page, live_server, lead.email)

    # A second open cycle titled like the first (in another case) is refused.
    page.goto(f"{live_server.url}/o/northgate/cycles/new/")
    page.get_by_label("Cycle title").fill("maternity  VOICES")
    page.get_by_label("Health inequality this cycle addresses").fill("Stillbirths")
    page.get_by_label("Place or area").fill("Highfields")
    page.get_by_role("button", name="Create cycle").click()
    page.get_by_role("heading", name="There is a problem").wait_for()
    expect(page.get_by_role("link", name="An open cycle is already called")).to_be_visible()
    shoot(page, "duplicate-title")

    page.goto(f"{live_server.url}/o/northgate/cycles/")
    expect(page.get_by_text("Iteration 2, from 5 January 2026")).to_be_visible()
    shoot(page, "cycle-list")

    # Consent to be named, on the stakeholder's form and then their page.
    page.goto(f"{live_server.url}/o/northgate/stakeholders/{sumi.pk}/")
    page.get_by_role("link", name="Change details").click()
    page.get_by_label("Governance reports (PDF)").check()
    page.get_by_label("Who gave consent to be named").fill("Sumi herself")
    shoot(page, "consent-form")
    page.get_by_role("button", name="Save changes").click()
    page.get_by_role("heading", name="There is a problem").wait_for()
    expect(page.get_by_role("link", name="Enter the date consent to be named")).to_be_visible()
    page.get_by_label("Date consent to be named was given").fill("2026-09-01")
    page.get_by_role("button", name="Save changes").click()
    page.get_by_role("heading", name="Consent to be named").wait_for()
    expect(page.get_by_text("Sumi herself, on 1 September 2026")).to_be_visible()

    # "Add to a cycle" says which cycle is which.
    options = page.get_by_label("Cycle", exact=True).locator("option").all_inner_texts()
    assert "Maternity voices (Iteration 1, 6 January 2025 to 19 December 2025)" in options
    assert "Maternity voices 2026 (Iteration 2, from 5 January 2026)" in options
    page.get_by_label("Cycle", exact=True).select_option(label=options[-1])
    page.get_by_role("button", name="Add to cycle").click()
    page.get_by_text("Iteration 2, from 5 January 2026").first.wait_for()
    shoot(page, "stakeholder-page")
    with scopes_disabled():
        assert Stakeholder.objects.get(pk=sumi.pk).named_in_reports
    with scopes_disabled():
        cycle_pk = sumi.cycle_links.get().cycle_id
    page.goto(f"{live_server.url}/o/northgate/stakeholders/cycles/{cycle_pk}/trusted/")
    page.get_by_text("Population groups and who reaches them").wait_for()
    shoot(page, "trusted")

    sign_in(phone_page, live_server, lead.email)
    for path, name in [
        (f"/o/northgate/stakeholders/{sumi.pk}/", "stakeholder-page-phone.png"),
        ("/o/northgate/cycles/", "cycle-list-phone.png"),
        ("/o/northgate/", "home-phone.png"),
        (f"/o/northgate/stakeholders/cycles/{cycle_pk}/grid/", "grid-phone.png"),
        (f"/o/northgate/stakeholders/cycles/{cycle_pk}/trusted/", "trusted-phone.png"),
    ]:
        phone_page.goto(f"{live_server.url}{path}")
        shoot(phone_page, name.removesuffix(".png"))
        assert no_sideways_scroll(phone_page)
