"""Browser journey: an admin changes a stakeholder's contact details, then reads who did
what in the audit trail, filters it and opens one record's history."""

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from cycles.tests.builders import make_cycle
from stakeholders.models import Stakeholder
from t2a.models import Role
from tests.browser import sign_in
from tests.cast import make_member, make_organisation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_reads_the_audit_trail_filters_it_and_opens_a_history(
    page, phone_page, live_server, shoot
):
    org = make_organisation("Leicester Health Partnership", "leicester", brand_colour="#00403a")
    admin = make_member(org, Role.ADMIN, "priya@leicester.example.org")
    lead = make_member(org, Role.ENGAGEMENT_LEAD, "dan@leicester.example.org")
    make_cycle(org, "Maternity and neonatal services", lead=lead)
    sign_in(page, live_server, admin.email)

    # A stakeholder with contact details and consent, added through the real form.
    page.goto(f"{live_server.url}/o/leicester/stakeholders/new/")
    page.get_by_label("Name", exact=True).fill("Grace Bello")
    page.get_by_label("Sector").select_option("community")
    page.get_by_label("Email address").fill("grace.private@example.org")
    page.get_by_label("Phone number").fill("07700 900456")
    page.get_by_label("Date consent was recorded").fill("2026-01-05")
    page.get_by_label("Basis for holding contact details").select_option("consent")
    page.get_by_role("button", name="Add stakeholder").click()
    expect(page.get_by_role("heading", name="Grace Bello")).to_be_visible()

    page.get_by_role("link", name="Settings").first.click()
    page.get_by_role("link", name="Audit trail: who changed what, and when").click()
    expect(page.get_by_role("heading", name="Audit trail", exact=True)).to_be_visible()
    table = page.get_by_role("table")
    expect(table).to_contain_text("Created stakeholder")
    expect(table).to_contain_text("Priya")
    expect(table).to_contain_text("Email: added (value not kept)")
    expect(table).to_contain_text("Created cycle")
    expect(table).not_to_contain_text("grace.private@example.org")
    expect(table).not_to_contain_text("900456")
    shoot(page, "audit-trail")

    # Only the admin's own changes.
    page.get_by_label("Changed by").select_option(label=str(admin))
    page.get_by_role("button", name="Filter").click()
    expect(table).to_contain_text("Grace Bello")
    expect(table).not_to_contain_text("Maternity and neonatal services")
    shoot(page, "audit-trail-by-person")

    # One record's history, from its row.
    page.get_by_role("link", name="History of Grace Bello").click()
    expect(page.get_by_role("heading", name="History of stakeholder: Grace Bello")).to_be_visible()
    page.get_by_role("link", name="Grace Bello").first.click()
    expect(page.get_by_role("heading", name="Grace Bello")).to_be_visible()
    with scopes_disabled():
        assert Stakeholder.objects.filter(organisation=org, name="Grace Bello").exists()

    sign_in(phone_page, live_server, admin.email)
    phone_page.goto(f"{live_server.url}/o/leicester/audit/")
    expect(phone_page.get_by_text("Created stakeholder")).to_be_visible()
    shoot(phone_page, "audit-trail-phone")
