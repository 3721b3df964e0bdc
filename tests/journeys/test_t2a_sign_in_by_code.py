"""Browser journey: someone has guessed at an engagement lead's password from many
addresses, so signing in with the password is locked for the whole account; she signs in
with a code sent to her email instead, and is asked for her authenticator code after it."""

import re

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.core import mail
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from t2a.models import Role
from tests.cast import PASSWORD, make_member, make_organisation, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def lock_account_wide(email: str) -> None:
    """100 failed sign-ins within the hour, from 25 addresses (none of them locked)."""
    for n in range(100):
        Client(REMOTE_ADDR=f"192.0.2.{n // 4 + 1}").post(
            reverse("account_login"), {"login": email, "password": "guess"}
        )


def test_locked_out_lead_signs_in_with_a_code_then_her_authenticator(page, live_server, shoot):
    org = make_organisation("Northgate ICB", "northgate", brand_colour="#00403a")
    org.mfa_required = True
    org.save()
    lead = make_member(org, Role.ENGAGEMENT_LEAD, "amara@northgate.example.org")
    secret = "JBSWY3DPEHPK3PXP"
    TOTP.activate(lead, secret)
    lock_account_wide(lead.email)

    # Her password is right, but the account is locked: the page says what to do instead.
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(lead.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_text("Too many failed attempts to sign in").first).to_be_visible()
    shoot(page, "sign-in-locked")

    page.get_by_role("link", name="Sign in with a code sent to your email").click()
    expect(page.get_by_role("heading", name="Sign in with a code")).to_be_visible()
    shoot(page, "ask-for-a-code")

    # An empty box is explained, not sent.
    page.get_by_role("button", name="Email me a code").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    expect(page.get_by_role("link", name="Enter your email address")).to_be_visible()
    shoot(page, "ask-for-a-code-error")

    page.get_by_label("Email address").fill(lead.email)
    page.get_by_role("button", name="Email me a code").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    expect(page.get_by_text(lead.email, exact=True)).to_be_visible()
    shoot(page, "enter-the-code")

    assert len(mail.outbox) == 1
    code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", mail.outbox[0].body, re.MULTILINE).group(1)

    # A mistyped code is refused with a message beside the box.
    page.get_by_label("Code from the email").fill("AAAA-AAAA")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("link", name="That code is not right")).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Error: "))
    shoot(page, "enter-the-code-error")

    page.get_by_label("Code from the email").fill(code)
    page.get_by_role("button", name="Sign in").click()

    # The organisation asks for a second factor, and a code by email does not replace it.
    page.wait_for_url(f"{live_server.url}/accounts/2fa/authenticate/")
    shoot(page, "authenticator-code")
    # A browser round trip can take seconds on a busy machine: the code must outlive it.
    page.get_by_label("Code").fill(totp_code(secret, seconds_left=10))
    page.get_by_role("button", name=re.compile("Sign In", re.IGNORECASE)).click()
    page.wait_for_url(re.compile(rf"^{re.escape(live_server.url)}/(o/northgate/)?$"))
    page.goto(f"{live_server.url}/o/northgate/")
    expect(page.get_by_role("link", name="Northgate ICB").first).to_be_visible()
