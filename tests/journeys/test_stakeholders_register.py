"""Browser journey: an engagement lead maps Trusted Places and Voices, forms the steering
group (turning the readiness item green) and keeps a promise made in a conversation."""

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from cycles.tests.builders import make_cycle
from stakeholders.models import Commitment, Stakeholder
from t2a.models import Role
from tests.browser import sign_in
from tests.cast import make_member, make_organisation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def add_stakeholder(page, *, name, kind, sector, tag, communities):
    page.get_by_role("link", name="Add a stakeholder").click()
    page.get_by_label(kind, exact=True).check()
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Sector").select_option(label=sector)
    page.get_by_label(tag).check()
    page.get_by_label("Communities reached").fill(communities)
    page.get_by_label("Interest").select_option("5")


def test_lead_maps_trusted_places_and_voices_forms_the_group_and_keeps_a_promise(
    page, live_server, shoot
):
    org = make_organisation("Leicester Health Partnership", "leicester", brand_colour="#00403a")
    lead = make_member(org, Role.ENGAGEMENT_LEAD, "dan@leicester.example.org")
    make_member(org, Role.ADMIN, "amira@leicester.example.org")
    cycle = make_cycle(
        org,
        "Maternity and neonatal services in Leicester",
        lead=lead,
        population_groups=["Somali women", "Young mothers under 20"],
    )
    sign_in(page, live_server, lead.email)
    page.goto(f"{live_server.url}/o/leicester/")
    page.get_by_role("link", name="Stakeholders", exact=True).click()
    shoot(page, "register-empty")

    # A Trusted Place, first with an email address but no consent: refused, clearly.
    add_stakeholder(
        page,
        name="Al-Noor Community Centre",
        kind="Place",
        sector="Faith",
        tag="Trusted Place",
        communities="Somali women",
    )
    page.get_by_label("Email address").fill("bookings@alnoor.example.org")
    page.get_by_role("button", name="Add stakeholder").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(
        page.get_by_role("link", name="Contact details can only be saved with a recorded")
    ).to_be_visible()
    shoot(page, "consent-refused")
    page.get_by_label("Date consent was recorded").fill(timezone.localdate().isoformat())
    page.get_by_label("Basis for holding contact details").select_option(
        label="Consent given by the person"
    )
    page.get_by_role("button", name="Add stakeholder").click()
    expect(page.get_by_role("heading", name="Al-Noor Community Centre")).to_be_visible()
    page.get_by_label("Role in this cycle").fill("Venue for listening events")
    page.get_by_role("button", name="Add to cycle").click()
    expect(page.get_by_text("Venue for listening events")).to_be_visible()
    shoot(page, "trusted-place")

    # A Trusted Voice.
    page.get_by_role("link", name="Back to stakeholders").click()
    add_stakeholder(
        page,
        name="Hodan Ali",
        kind="Person",
        sector="Community",
        tag="Trusted Voice",
        communities="Somali women",
    )
    page.get_by_role("button", name="Add stakeholder").click()
    page.get_by_label("Role in this cycle").fill("Community co-chair")
    page.get_by_role("button", name="Add to cycle").click()
    with scopes_disabled():
        assert Stakeholder.objects.filter(organisation=org).count() == 2
    page.get_by_role("link", name="Back to stakeholders").click()
    shoot(page, "register")

    # The maps, with who is missing.
    page.goto(f"{live_server.url}/o/leicester/stakeholders/cycles/{cycle.pk}/grid/")
    expect(page.get_by_text("Young mothers under 20").first).to_be_visible()
    assert page.locator('a[aria-label^="Hodan Ali (Community)"]').count() == 1
    shoot(page, "power-interest-grid")
    page.get_by_role("link", name="Trusted Leaders, Voices and Places").click()
    shoot(page, "trusted-view")

    # The steering group: community, VCSE and NHS turns the readiness item green.
    page.get_by_role("link", name="Steering group").click()
    expect(page.get_by_text("Not formed yet")).to_be_visible()
    page.get_by_label("Stakeholder", exact=True).select_option(label="Hodan Ali")
    page.get_by_label("Sector they represent").select_option(label="Community")
    page.get_by_role("button", name="Add to steering group").click()
    page.get_by_label("Stakeholder", exact=True).select_option(label="Al-Noor Community Centre")
    page.get_by_label("Sector they represent").select_option(
        label="Voluntary, community and social enterprise (VCSE)"
    )
    page.get_by_role("button", name="Add to steering group").click()
    page.get_by_label("Or a member of your organisation").select_option(label=lead.full_name)
    page.get_by_label("Sector they represent").select_option(label="NHS")
    page.get_by_label("Role on the group").fill("Engagement lead")
    page.get_by_role("button", name="Add to steering group").click()
    expect(page.locator("#steering-readiness").get_by_text("Formed")).to_be_visible()
    shoot(page, "steering-group-formed")
    page.get_by_role("link", name="Cycle overview").click()
    status = page.locator("#stage1-steering_group_formed-status")
    assert status.inner_text().strip() == "Met"
    shoot(page, "cycle-page-readiness")

    # A conversation with a commitment, kept.
    page.goto(f"{live_server.url}/o/leicester/stakeholders/")
    page.get_by_role("link", name="Hodan Ali").click()
    page.get_by_role("link", name="Log a conversation").click()
    page.get_by_label("How").select_option(label="In person")
    page.get_by_label("Summary").fill(
        "Coffee at Al-Noor. Many Somali women stop going to antenatal classes after the "
        "first one: no interpreter, and being seen late."
    )
    page.get_by_label("Meaningful conversation").check()
    page.get_by_label("Cycle").select_option(label=cycle.choice_label)
    page.get_by_role("button", name="Log conversation").click()
    page.get_by_label("What was promised").fill("Send the clinic times in Somali")
    # Only one person was in the conversation, so the promise is already addressed to them.
    assert page.get_by_label("To whom").input_value() != ""
    page.get_by_role("button", name="Record commitment").click()
    shoot(page, "commitment-open")
    page.get_by_role("button", name="Mark kept").click()
    expect(page.get_by_text("kept on time").first).to_be_visible()
    with scopes_disabled():
        assert Commitment.objects.get().kept_on == timezone.localdate()
    shoot(page, "commitment-kept")
    page.get_by_role("link", name="Hodan Ali").click()
    expect(page.get_by_text("Send the clinic times in Somali")).to_be_visible()
    shoot(page, "stakeholder-timeline")
    page.goto(f"{live_server.url}/o/leicester/stakeholders/summary/")
    assert page.locator("#kept-rate").inner_text() == "100%"
    shoot(page, "summary")


def test_register_on_a_phone(phone_page, live_server, shoot):
    org = make_organisation("Leicester Health Partnership", "leicester")
    lead = make_member(org, Role.ENGAGEMENT_LEAD, "dan@leicester.example.org")
    with scopes_disabled():
        for n, sector in enumerate(["community", "nhs", "vcse", "faith"]):
            Stakeholder.objects.create(
                organisation=org, name=f"Partner {n}", sector=sector, trusted_voice=n % 2 == 0
            )
    sign_in(phone_page, live_server, lead.email)
    phone_page.goto(f"{live_server.url}/o/leicester/stakeholders/")
    expect(phone_page.get_by_text("4 stakeholders")).to_be_visible()
    shoot(phone_page, "register-phone")
    phone_page.get_by_label("Sector").select_option(label="NHS")
    phone_page.get_by_role("button", name="Filter").click()
    # htmx swaps the results in place and pushes the filtered address.
    phone_page.wait_for_url("**/stakeholders/?*sector=nhs*")
    phone_page.get_by_text("1 stakeholder matches your filters.").wait_for()
    expect(phone_page.get_by_role("link", name="Partner 1")).to_be_visible()
    assert phone_page.get_by_role("link", name="Partner 0").count() == 0
    shoot(phone_page, "register-phone-filtered")
