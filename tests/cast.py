"""Plain builders for test rows. They disable scopes only while building."""

import re
import time

from allauth.account.models import EmailAddress
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.cache import cache
from django_scopes import scopes_disabled

from t2a.models import Membership, Organisation, Role, User

PASSWORD = "correct-horse-battery-staple"


def make_user(email: str, full_name: str = "", password: str = PASSWORD) -> User:
    user = User.objects.create_user(email=email, password=password, full_name=full_name)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def make_superuser(email: str = "root@t2a.example.org") -> User:
    """A platform superuser: the Django admin's only users (t2a/admin.py)."""
    return User.objects.create_superuser(email=email, password=PASSWORD)


def make_organisation(name: str, slug: str, **extra) -> Organisation:
    return Organisation.objects.create(name=name, slug=slug, **extra)


def make_member(organisation: Organisation, role: Role | str, email: str) -> User:
    user = User.objects.filter(email=email).first() or make_user(
        email, full_name=email.split("@")[0].replace(".", " ").title()
    )
    with scopes_disabled():
        Membership.objects.create(organisation=organisation, user=user, role=role)
    return user


def totp_code(secret: str, seconds_left: float = 3) -> str:
    """The authenticator code for `secret` that stays valid for at least `seconds_left`.

    allauth accepts only the code of the current 30-second period, so a code read near the
    end of one is refused if the server checks it in the next: the helper waits for the next
    period first. It reads the clock once, so it also works under a frozen clock
    (time_machine with tick=False) that is not near the end of a period.
    """
    now = time.time()
    period = mfa_settings.TOTP_PERIOD
    counter, into = divmod(now, period)
    if period - into < seconds_left:
        time.sleep(period - into)
        counter += 1
    return format_hotp_value(hotp_value(secret, int(counter)))


STORED_PAGE = re.compile(rb":v\d+:page:[0-9a-f]{32}$")


def stored_page_keys() -> list[bytes]:
    """The whole pages t2a.pagecache holds in the cache (Redis) now."""
    return [k for k in cache._cache.get_client().keys("*") if STORED_PAGE.search(k)]


def stored_pages_forget() -> None:
    """Drop the stored whole pages but keep every other cached part, so the next request
    runs the view as the first request after a change does, with its panels cached."""
    keys = stored_page_keys()
    if keys:
        cache._cache.get_client().delete(*keys)
