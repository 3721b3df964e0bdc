"""The Redis cache while Redis is down (a private Redis, stopped): no errors, misses
instead; the security checks built on it fail safe; all is normal once Redis is back."""

import logging
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from tests.cast import PASSWORD, totp_code

pytestmark = pytest.mark.faults

SECRET = "JBSWY3DPEHPK3PXP"


@pytest.fixture
def tolerant_cache(private_redis, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "t2a.cache.TolerantRedisCache",
            "LOCATION": private_redis.url(),
            "RETRY_AFTER": 0.5,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
    return cache


@pytest.mark.django_db
def test_the_cache_carries_on_without_redis_and_security_checks_fail_safe(
    private_redis, tolerant_cache, admin_user, caplog
):
    tolerant_cache.set("kept", 1)
    assert tolerant_cache.get("kept") == 1
    TOTP.activate(admin_user, SECRET)
    totp = TOTP(Authenticator.objects.get(user=admin_user, type=Authenticator.Type.TOTP))

    private_redis.stop()
    caplog.set_level(logging.ERROR, logger="t2a.cache")
    started = time.monotonic()
    assert tolerant_cache.get("kept", "missing") == "missing"
    tolerant_cache.set("kept", 2)
    tolerant_cache.set_many({"a": 1})
    assert tolerant_cache.get_many(["kept", "a"]) == {}
    assert tolerant_cache.get_or_set("computed", lambda: 5) == 5
    assert tolerant_cache.has_key("kept") is False
    assert tolerant_cache.add("once", 1) is False  # "already there": once-only checks refuse
    with pytest.raises(ValueError):
        tolerant_cache.incr("kept")
    tolerant_cache.delete("kept")
    assert time.monotonic() - started < 3

    # A correct TOTP code is refused: it cannot be marked used, so it could be replayed.
    assert totp.validate_code(totp_code(SECRET)) is False
    # Sign-in is refused as rate-limited: failed attempts cannot be counted.
    client = Client()
    response = client.post(
        reverse("account_login"), {"login": admin_user.email, "password": PASSWORD}
    )
    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in client.session
    assert [r.getMessage()[:17] for r in caplog.records] == ["Cache unavailable"]

    private_redis.start()
    time.sleep(0.6)  # RETRY_AFTER
    assert tolerant_cache.add("once", 1) is True
    assert tolerant_cache.get("once") == 1
    code = totp_code(SECRET)
    assert totp.validate_code(code) is True
    assert totp.validate_code(code) is False  # replay refused again
    response = client.post(
        reverse("account_login"), {"login": admin_user.email, "password": PASSWORD}
    )
    assert response.status_code == 302
