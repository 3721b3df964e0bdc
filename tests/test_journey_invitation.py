"""Browser journey: an admin invites an engagement lead, who joins and lands in the organisation."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from t2a.models import Role
from tests.cast import PASSWORD, make_member, make_organisation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_invites_an_engagement_lead_who_joins(page, live_server, shoot):
    org = make_organisation("Northgate ICB", "northgate", brand_colour="#00403a")
    admin = make_member(org, Role.ADMIN, "amira@northgate.example.org")

    page.goto(f"{live_server.url}/accounts/login/")
    shoot(page, "sign-in")
    page.get_by_label("Email").fill(admin.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    # A member of one organisation lands on its home.
    page.wait_for_url(f"{live_server.url}/o/northgate/")
    shoot(page, "organisation-home")

    page.get_by_role("link", name="Members", exact=True).click()
    shoot(page, "members")

    # A mistake first: the error summary names the problem.
    page.get_by_label("Email address").fill("not an email")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    shoot(page, "invite-error")

    page.get_by_label("Email address").fill("dan@northgate.example.org")
    page.get_by_label("Role", exact=True).select_option(Role.ENGAGEMENT_LEAD.value)
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("Invitation to dan@northgate.example.org queued")).to_be_visible()
    shoot(page, "invited")

    link = re.search(r"http://\S+/o/northgate/join/\S+", mail.outbox[-1].body).group(0)
    path = link.split("/o/", 1)[1]
    page.get_by_role("button", name="Sign out").click()

    page.goto(f"{live_server.url}/o/{path}")
    shoot(page, "accept-invitation")
    page.get_by_label("Your full name").fill("Dan Whitfield")
    page.get_by_label("Create a password").fill("river-lantern-meadow-42")
    page.get_by_label("Type the password again").fill("river-lantern-meadow-42")
    page.get_by_role("button", name="Create account and join").click()
    page.wait_for_url(f"{live_server.url}/o/northgate/")
    expect(page.get_by_role("heading", name="Northgate ICB")).to_be_visible()
    expect(page.get_by_text("signed in as engagement lead")).to_be_visible()
    shoot(page, "organisation-home")
