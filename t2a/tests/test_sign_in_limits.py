"""Sign-in limits that someone who knows an email address cannot turn against its owner
(t2a.adapters.AccountAdapter, t2a.forms.RequestLoginCodeForm, ACCOUNT_RATE_LIMITS).

Every test counts in the real Redis cache that production uses.
"""

import re
from datetime import UTC, datetime, timedelta

import pytest
import redis
import time_machine
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.core import mail
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from t2a.cache import TolerantRedisCache
from tests.cast import PASSWORD, make_user, totp_code

ATTACKER = "203.0.113.5"
OWNER_AT_WORK = "198.51.100.7"
LOCKED = "Too many failed attempts to sign in"
CODE = re.compile(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", re.MULTILINE)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _real_redis():
    assert isinstance(caches["default"], TolerantRedisCache), (
        "run with REDIS_URL set: these limits must be counted where production counts them"
    )


def from_address(address: str, **headers) -> Client:
    return Client(REMOTE_ADDR=address, **headers)


def sign_in(client: Client, email: str, password: str = PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def signed_in(response) -> bool:
    return "_auth_user_id" in response.wsgi_request.session


def code_from_last_email() -> str:
    return CODE.search(mail.outbox[-1].body).group(1)


def test_guessing_from_one_address_does_not_lock_the_owner_out_from_another(admin_user):
    attacker = from_address(ATTACKER)
    for _ in range(5):
        assert sign_in(attacker, admin_user.email, "guess").status_code == 200

    # The guesser's address is locked out of this account, even with the right password...
    refused = sign_in(attacker, admin_user.email)
    assert LOCKED in refused.text
    assert "sign in with a code sent to your email" in refused.text
    assert not signed_in(refused)

    # ...while the owner, at their own desk, signs in as usual.
    response = sign_in(from_address(OWNER_AT_WORK), admin_user.email)
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_an_address_failing_across_many_accounts_is_refused(admin_user):
    attacker = from_address(ATTACKER)
    start = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as clock:
        # 40 accounts, a few a minute: under every per-account and per-minute limit.
        for n in range(40):
            if n % 8 == 0:
                clock.shift(timedelta(minutes=1))
            response = sign_in(attacker, f"person{n}@example.org", "guess")
            assert response.status_code == 200
            assert LOCKED not in response.text, n

        clock.shift(timedelta(minutes=1))
        refused = sign_in(attacker, admin_user.email)
        assert LOCKED in refused.text
        assert not signed_in(refused)

        # Other addresses are not affected.
        assert sign_in(from_address(OWNER_AT_WORK), admin_user.email).status_code == 302


def test_spoofed_forwarded_for_is_ignored_unless_behind_a_trusted_proxy(admin_user, settings):
    # No proxy configured: X-Forwarded-For is the client's own word, so it changes nothing.
    for n in range(5):
        spoofed = from_address(ATTACKER, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
        sign_in(spoofed, admin_user.email, "guess")
    spoofed = from_address(ATTACKER, HTTP_X_FORWARDED_FOR="192.0.2.99")
    assert LOCKED in sign_in(spoofed, admin_user.email).text


def test_behind_a_trusted_proxy_the_forwarded_address_is_counted(admin_user, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    for _ in range(5):
        sign_in(from_address(proxy, HTTP_X_FORWARDED_FOR=ATTACKER), admin_user.email, "guess")
    attacker = from_address(proxy, HTTP_X_FORWARDED_FOR=ATTACKER)
    assert LOCKED in sign_in(attacker, admin_user.email).text

    # The owner reaches the app through the same proxy, from their own address.
    owner = from_address(proxy, HTTP_X_FORWARDED_FOR=f"192.0.2.1, {OWNER_AT_WORK}")
    assert sign_in(owner, admin_user.email).status_code == 302


def lock_account_wide(email: str) -> None:
    """Fail 100 times within the hour from 25 addresses, 4 each: no address is locked."""
    for n in range(100):
        response = sign_in(from_address(f"192.0.2.{n // 4 + 1}"), email, "guess")
        assert LOCKED not in response.text, n


def test_owner_locked_account_wide_signs_in_with_a_code(admin_user):
    lock_account_wide(admin_user.email)
    owner = from_address(OWNER_AT_WORK)
    refused = sign_in(owner, admin_user.email)
    assert LOCKED in refused.text
    assert not signed_in(refused)

    # The sign-in page offers the way in that needs no password.
    login_page = owner.get(reverse("account_login"))
    assert reverse("account_request_login_code") in login_page.text

    page = owner.get(reverse("account_request_login_code"))
    assert "Sign in with a code" in page.text
    asked = owner.post(reverse("account_request_login_code"), {"email": admin_user.email})
    assert asked.status_code == 302
    assert asked.url == reverse("account_confirm_login_code")

    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [admin_user.email]
    assert email.subject == "T2A: Your sign-in code"
    # The code is the whole message: no link to follow (nothing here for a fake to copy).
    assert "http" not in email.body
    code = code_from_last_email()

    confirm_page = owner.get(reverse("account_confirm_login_code"))
    assert "Check your email" in confirm_page.text
    assert admin_user.email in confirm_page.text
    response = owner.post(reverse("account_confirm_login_code"), {"code": code})
    assert response.status_code == 302
    assert "Northgate ICB" in owner.get(reverse("home"), follow=True).text

    # The code works once.
    again = from_address(OWNER_AT_WORK)
    again.post(reverse("account_request_login_code"), {"email": admin_user.email})
    response = again.post(reverse("account_confirm_login_code"), {"code": code})
    assert response.status_code == 200
    assert not signed_in(response)


def test_a_wrong_code_shows_an_error_and_signs_nobody_in(admin_user):
    client = from_address(OWNER_AT_WORK)
    client.post(reverse("account_request_login_code"), {"email": admin_user.email})
    response = client.post(reverse("account_confirm_login_code"), {"code": "AAAA-AAAA"})
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "<title>Error: Check your email" in response.text
    assert "That code is not right" in response.text
    assert not signed_in(response)

    # "Ask for a new code" drops the pending sign-in and starts again.
    response = client.post(
        reverse("account_logout"), {"next": reverse("account_request_login_code")}
    )
    assert response.url == reverse("account_request_login_code")
    assert "Sign in with a code" in client.get(response.url).text


@pytest.mark.parametrize(
    ("email", "message"),
    [("", "Enter your email address"), ("not-an-email", "Enter an email address in the right")],
)
def test_asking_for_a_code_with_a_bad_email_explains_and_sends_nothing(email, message):
    response = from_address(OWNER_AT_WORK).post(
        reverse("account_request_login_code"), {"email": email}
    )
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert message in response.text
    assert mail.outbox == []


def test_a_code_for_an_unknown_email_signs_nobody_in():
    client = from_address(OWNER_AT_WORK)
    asked = client.post(reverse("account_request_login_code"), {"email": "nobody@example.org"})
    # The same answer as for a real account, so the page does not say who has one.
    assert asked.status_code == 302
    assert asked.url == reverse("account_confirm_login_code")
    response = client.post(reverse("account_confirm_login_code"), {"code": "AAAA-AAAA"})
    assert not signed_in(response)


@time_machine.travel(datetime(2026, 11, 22, 12, 0, 5, tzinfo=UTC), tick=False)
def test_sign_in_by_code_still_asks_for_the_second_factor(org, admin_user):
    org.mfa_required = True
    org.save()
    secret = "JBSWY3DPEHPK3PXP"
    TOTP.activate(admin_user, secret)
    lock_account_wide(admin_user.email)

    owner = from_address(OWNER_AT_WORK)
    owner.post(reverse("account_request_login_code"), {"email": admin_user.email})
    response = owner.post(reverse("account_confirm_login_code"), {"code": code_from_last_email()})
    assert response.status_code == 302
    assert response.url == reverse("mfa_authenticate")
    assert not signed_in(response)
    assert owner.get(reverse("organisation_home", args=[org.slug])).status_code == 302

    response = owner.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert owner.get(reverse("organisation_home", args=[org.slug])).status_code == 200


def test_asking_for_codes_from_one_address_does_not_stop_the_owner_getting_one(admin_user):
    # Each request from a fresh session, as a script would send them.
    for _ in range(3):
        asked = from_address(ATTACKER).post(
            reverse("account_request_login_code"), {"email": admin_user.email}
        )
        assert asked.status_code == 302
    refused = from_address(ATTACKER).post(
        reverse("account_request_login_code"), {"email": admin_user.email}
    )
    assert refused.status_code == 200
    assert "You have asked for too many codes" in refused.text
    assert len(mail.outbox) == 3

    owner = from_address(OWNER_AT_WORK)
    asked = owner.post(reverse("account_request_login_code"), {"email": admin_user.email})
    assert asked.status_code == 302
    assert len(mail.outbox) == 4
    response = owner.post(reverse("account_confirm_login_code"), {"code": code_from_last_email()})
    assert response.status_code == 302
    assert signed_in(owner.get(reverse("home")))


def test_one_address_cannot_mail_codes_to_many_people():
    start = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as clock:
        # 30 people, a few a minute: under the per-minute limit.
        for n in range(30):
            if n % 6 == 0:
                clock.shift(timedelta(minutes=1))
            make_user(f"person{n}@example.org")
            from_address(ATTACKER).post(
                reverse("account_request_login_code"), {"email": f"person{n}@example.org"}
            )
        assert len(mail.outbox) == 30
        clock.shift(timedelta(minutes=1))
        make_user("one.more@example.org")
        refused = from_address(ATTACKER).post(
            reverse("account_request_login_code"), {"email": "one.more@example.org"}
        )
        assert "You have asked for too many codes" in refused.text
        assert len(mail.outbox) == 30


def test_a_password_reset_lifts_the_account_wide_lock(admin_user):
    lock_account_wide(admin_user.email)
    owner = from_address(OWNER_AT_WORK)
    owner.post(reverse("account_reset_password"), {"email": admin_user.email})
    link = re.search(r"/accounts/password/reset/key/\S+", mail.outbox[-1].body).group(0)
    form_page = owner.get(link, follow=True)
    owner.post(
        form_page.redirect_chain[-1][0],
        {"password1": "a-new-long-passphrase-42", "password2": "a-new-long-passphrase-42"},
    )
    response = sign_in(from_address(OWNER_AT_WORK), admin_user.email, "a-new-long-passphrase-42")
    assert response.status_code == 302


def test_counts_live_in_redis(admin_user):
    sign_in(from_address(ATTACKER), admin_user.email, "guess")
    client = redis.Redis.from_url(settings.REDIS_URL)
    keys = {key.decode() for key in client.keys("*allauth:rl:allauth.account:login_failed*")}
    assert any(":login_failed:5/300.0/key:" in key for key in keys), keys
    assert any(f":login_failed:40/3600/ip:ip:{ATTACKER}" in key for key in keys), keys
    assert any(":login_failed_account:100/3600/key:" in key for key in keys), keys


def test_sign_in_and_codes_are_refused_while_redis_is_down(admin_user, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "t2a.cache.TolerantRedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    owner = from_address(OWNER_AT_WORK)
    refused = sign_in(owner, admin_user.email)
    assert refused.status_code in (200, 429)
    assert not signed_in(refused)
    asked = owner.post(reverse("account_request_login_code"), {"email": admin_user.email})
    assert asked.status_code in (200, 429)
    assert mail.outbox == []


def test_a_code_stops_working_after_the_ten_minutes_the_email_promises(admin_user):
    start = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as clock:
        client = from_address(OWNER_AT_WORK)
        client.post(reverse("account_request_login_code"), {"email": admin_user.email})
        assert "within 10 minutes" in mail.outbox[-1].body
        code = code_from_last_email()
        clock.shift(timedelta(minutes=10, seconds=5))
        response = client.post(reverse("account_confirm_login_code"), {"code": code})
        assert not signed_in(response)
        assert response.url == reverse("account_request_login_code")
