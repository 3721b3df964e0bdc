"""Every link in every outgoing message is built from SITE_URL (t2a/links.py), never from
the host a request arrived on; and every message goes through the outbox.

Each kind of message is made the way a person would cause it, with requests arriving on a
host that is not the site's (a proxy that forwards any Host, a spoofed header), and every
http(s) link in every email must start with SITE_URL.
"""

import ast
import re
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from feedback.services.pulse import pulse_survey_open
from t2a.models import Delivery, MessageStatus, NotificationPreference, OutboundMessage, Role
from t2a.services import notifications
from t2a.tasks import notification_digests_send
from t2a.tests.services.test_notifications import make_invitations
from tests.cast import PASSWORD, make_user

ROOT = Path(__file__).resolve().parents[2]
SITE = "https://t2a.example.org"
ELSEWHERE = "attacker.example"
LINK = re.compile(r"https?://[^\s\"'<>)]+")
APPS = ("t2a", "cycles", "stakeholders", "feedback", "actions")


@pytest.fixture
def site(settings):
    settings.SITE_URL = SITE
    settings.ALLOWED_HOSTS = [ELSEWHERE, "testserver"]


def from_elsewhere(user=None) -> Client:
    client = Client(HTTP_HOST=ELSEWHERE)
    if user is not None:
        client.force_login(user)
    return client


def links_in(message) -> list[str]:
    bodies = [message.body] + [content for content, _ in getattr(message, "alternatives", [])]
    return [link for body in bodies for link in LINK.findall(body)]


@pytest.mark.django_db
def test_every_link_in_every_email_starts_with_site_url(
    site, org, users, django_capture_on_commit_callbacks
):
    admin = users[Role.ADMIN]
    lead = users[Role.ENGAGEMENT_LEAD]
    with scopes_disabled():
        NotificationPreference.objects.create(
            organisation=org, user=users[Role.GOVERNANCE], delivery=Delivery.DAILY_DIGEST
        )
    kinds: dict[str, int] = {}

    def made(kind: str) -> None:
        kinds[kind] = len(mail.outbox) - sum(kinds.values())

    with django_capture_on_commit_callbacks(execute=True):
        from_elsewhere(admin).post(
            reverse("member_invite", args=[org.slug]),
            {"email": "priya@example.org", "role": Role.ENGAGEMENT_LEAD},
        )
    made("invitation")
    with scope(organisation=org.pk), django_capture_on_commit_callbacks(execute=True):
        for user in (lead, users[Role.GOVERNANCE]):
            notifications.notification_create(
                organisation=org,
                recipient=user,
                kind="test",
                title="A plan waits for your sign-off",
                url=reverse("members", args=[org.slug]),
            )
    made("notification")
    make_invitations(org, admin, 1)
    with django_capture_on_commit_callbacks(execute=True):
        notifications.reminder_sweep()
    made("reminder")
    with django_capture_on_commit_callbacks(execute=True):
        notification_digests_send()
    made("digest")

    # allauth's emails, asked for from the wrong host.
    anonymous = from_elsewhere()
    anonymous.post(reverse("account_reset_password"), {"email": lead.email})
    made("password reset")
    anonymous.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    made("password reset for an unknown address")
    anonymous.post(
        reverse("account_signup"),
        {"email": "new.person@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    made("email confirmation")
    from_elsewhere().post(
        reverse("account_signup"),
        {"email": lead.email, "password1": PASSWORD, "password2": PASSWORD},
    )
    made("account already exists")
    make_user("coded@example.org")
    from_elsewhere().post(reverse("account_request_login_code"), {"email": "coded@example.org"})
    made("sign-in code")

    assert all(kinds.values()), f"a kind of message was not sent: {kinds}"
    links = 0
    for message in mail.outbox:
        everything = message.subject + message.body + str(getattr(message, "alternatives", ""))
        assert ELSEWHERE not in everything, message.subject
        for link in links_in(message):
            assert link.startswith(SITE + "/"), (message.subject, link)
            links += 1
    assert links >= 10
    # Every one went through the outbox, and is marked sent there.
    with scopes_disabled():
        statuses = list(OutboundMessage.objects.values_list("status", flat=True))
    assert statuses == [MessageStatus.SENT] * len(mail.outbox)


@pytest.mark.django_db
def test_the_trust_pulse_link_to_share_starts_with_site_url(site, org, users, cycle):
    lead = users[Role.ENGAGEMENT_LEAD]
    with scope(organisation=org.pk):
        pulse_survey_open(cycle=cycle, actor=lead)
    page = from_elsewhere(lead).get(reverse("feedback:pulse", args=[org.slug, cycle.pk]))
    assert page.status_code == 200
    shared = [link for link in LINK.findall(page.text) if "/trust-pulse/" in link]
    assert shared
    assert all(link.startswith(f"{SITE}/p/{org.slug}/") for link in shared)
    assert ELSEWHERE not in page.text


def project_files(pattern: str):
    for app in APPS:
        for path in (ROOT / app).rglob(pattern):
            if "tests" not in path.relative_to(ROOT).parts and "migrations" not in path.parts:
                yield path


def test_nothing_builds_a_link_from_the_request():
    """Links for messages, PDFs and pages to share come from t2a.links.absolute_url; a
    link built from the request would carry whatever Host the request arrived with."""
    offenders = [
        str(path.relative_to(ROOT))
        for path in [*project_files("*.py"), *(ROOT / "templates").rglob("*.*")]
        if re.search(r"build_absolute_uri|site_url\s*}}|get_host\(\)\s*\+", path.read_text())
    ]
    assert offenders == []


# Names that would send an email without the outbox.
SENDING = {
    "send_mail",
    "send_mass_mail",
    "mail_admins",
    "mail_managers",
    "EmailMessage",
    "EmailMultiAlternatives",
    "get_connection",
    "send_messages",
}


def test_only_the_outbox_senders_talk_to_a_mail_server():
    """Every message is an outbox row first: nothing but t2a/senders.py builds or sends an
    email (t2a/adapters.py hands allauth's rendered ones to the outbox)."""
    offenders = []
    for path in project_files("*.py"):
        relative = str(path.relative_to(ROOT))
        if relative == "t2a/senders.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
                if name in SENDING:
                    offenders.append(f"{relative}:{node.lineno} {name}")
            if isinstance(node, ast.ImportFrom) and node.module == "django.core.mail":
                offenders.append(f"{relative}:{node.lineno} imports django.core.mail")
    assert offenders == []
