"""Browser journey: an admin sees that an invitation email failed and sends it again; a
member sees the same for an email about one of their notifications."""

import re
from smtplib import SMTPRecipientsRefused

import pytest
from django.core import mail
from django_scopes import scope
from playwright.sync_api import expect

from t2a import senders
from t2a.models import Channel, Role
from t2a.services import notifications, organisations
from tests.browser import sign_in
from tests.cast import make_member, make_organisation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class Refusing:
    def send(self, message):
        raise SMTPRecipientsRefused({message.recipient: (550, b"mailbox unavailable")})


def test_a_failed_email_says_so_and_can_be_sent_again(page, live_server, shoot, monkeypatch):
    org = make_organisation("Northgate ICB", "northgate", brand_colour="#00403a")
    admin = make_member(org, Role.ADMIN, "amira@northgate.example.org")
    # The mail server refuses both emails at first.
    monkeypatch.setitem(senders.SENDERS, Channel.EMAIL, Refusing())
    with scope(organisation=org.pk):
        organisations.invitation_create(
            organisation=org, email="dan@example.org", role=Role.GOVERNANCE, invited_by=admin
        )
        notifications.notification_create(
            organisation=org,
            recipient=admin,
            kind="test",
            title="The action plan waits for your sign-off",
            url=f"/o/{org.slug}/members/",
        )
    monkeypatch.setitem(senders.SENDERS, Channel.EMAIL, senders.EmailSender())

    sign_in(page, live_server, admin.email)
    page.goto(f"{live_server.url}/o/northgate/members/")
    row = page.get_by_role("row", name="dan@example.org")
    expect(row.get_by_text("Failed")).to_be_visible()
    shoot(page, "invitation-failed")
    row.get_by_role("button", name="Send again to dan@example.org").click()
    expect(page.get_by_text("A new invitation to dan@example.org is queued")).to_be_visible()
    expect(page.get_by_role("row", name="dan@example.org").get_by_text("Sent")).to_be_visible()
    shoot(page, "invitation-sent-again")
    assert [m.to for m in mail.outbox] == [["dan@example.org"]]

    page.goto(f"{live_server.url}/o/northgate/notifications/")
    expect(page.get_by_text("Failed")).to_be_visible()
    shoot(page, "notification-email-failed")
    page.get_by_role("button", name=re.compile(r"^Send again.*action plan")).click()
    expect(page.get_by_text("is queued again")).to_be_visible()
    expect(page.get_by_text("Sent", exact=True)).to_be_visible()
    shoot(page, "notification-email-sent-again")
    assert [m.to for m in mail.outbox][-1] == [admin.email]
