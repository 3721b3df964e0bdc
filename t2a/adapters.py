"""allauth adapters."""

import base64
import hashlib
from types import SimpleNamespace
from urllib.parse import quote, urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal import ratelimit
from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet
from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from .links import absolute_url, on_site, site_root
from .models import Channel
from .services.outbox import message_send_now


def _fernet() -> Fernet:
    # A dedicated key when configured; otherwise one derived from SECRET_KEY, so a fresh
    # install is encrypted at rest without extra set-up.
    material = settings.MFA_ENCRYPTION_KEY or f"t2a-mfa:{settings.SECRET_KEY}"
    key = base64.urlsafe_b64encode(hashlib.sha256(material.encode()).digest())
    return Fernet(key)


class MFAAdapter(DefaultMFAAdapter):
    """Encrypt TOTP secrets and recovery-code seeds before they reach the database."""

    def encrypt(self, text: str) -> str:
        return _fernet().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        return _fernet().decrypt(encrypted_text.encode()).decode()


class OutboxMailAdapterMixin:
    """allauth's emails (password reset, email confirmation, sign-in code, account
    notices) go through the outbox like every other message, and their links are built
    from SITE_URL, never from the host a request arrived on.

    Each is a row first, committed on its own and then sent from the web process at once
    (a person is waiting for the code or link, and it should not wait on the broker),
    through the same claim as the worker's sends, so a failed send is retried by the
    outbox sweep. The rows are secret: their bodies (working links and codes) are emptied
    once sent.
    """

    def get_reset_password_from_key_url(self, key: str) -> str:
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return absolute_url(path.replace("UID-KEY", quote(key)))

    def get_email_confirmation_url(self, request: HttpRequest, emailconfirmation) -> str:
        return absolute_url(reverse("account_confirm_email", args=[emailconfirmation.key]))

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        site_host = urlsplit(site_root()).netloc
        ctx = {
            "email": email,
            "current_site": SimpleNamespace(name="T2A", domain=site_host),
            **{key: on_site(value) for key, value in context.items()},
        }
        message = self.render_mail(template_prefix, email, ctx)
        bodies = {
            "body_text": message.body if message.content_subtype == "plain" else "",
            "body_html": message.body if message.content_subtype == "html" else "",
        }
        for content, mimetype in getattr(message, "alternatives", []):
            if mimetype == "text/html":
                bodies["body_html"] = content
        message_send_now(
            channel=Channel.EMAIL, recipient=email, subject=message.subject, secret=True, **bodies
        )


class AccountAdapter(OutboxMailAdapterMixin, DefaultAccountAdapter):
    """Sign-in limits that someone who knows an email address cannot turn against its owner.

    Failed sign-ins count per account *and* client address together (`login_failed`'s
    per-key rate), so guessing from one address locks only that address out of that
    account; the same action's per-address rates are a ceiling for one address failing
    across many accounts. A much higher account-wide ceiling (`login_failed_account`)
    slows guessing spread over many addresses; while it holds, the owner signs in with a
    one-time code sent to their email (ACCOUNT_LOGIN_BY_CODE_ENABLED), which these limits
    do not touch and which still asks for the second factor.

    The client address is allauth's: REMOTE_ADDR, or X-Forwarded-For only behind
    TRUSTED_PROXY_COUNT proxies we run (settings), IPv6 counted per /64.
    """

    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "too_many_login_attempts": "Too many failed attempts to sign in. Try again later, "
        "or sign in with a code sent to your email.",
        "incorrect_code": "That code is not right. Check the email and type it again.",
    }

    def _login_account(self, request: HttpRequest, **credentials) -> str:
        # The email alone: allauth also adds the host the request named, which the client
        # chooses, so each allowed host would have had its own count.
        return credentials.get("email", credentials.get("username", "")).strip().lower()

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials) -> str:
        return f"{self._login_account(request, **credentials)}:{ratelimit.get_ip(request)}"

    def pre_authenticate(self, request: HttpRequest, **credentials) -> None:
        super().pre_authenticate(request, **credentials)
        account_wide = ratelimit.consume(
            request,
            app="allauth.account",
            action="login_failed_account",
            key=self._login_account(request, **credentials),
        )
        if not account_wide:
            # Nothing was tried, so the address's counts give the attempt back.
            self._rollback_login_failed_rl_usage()
            raise self.validation_error("too_many_login_attempts")
        # A correct password gives back every count it took (allauth rolls this back).
        self._login_failed_rl_usage.usage.extend(account_wide.usage)

    def _delete_login_attempts_cached_email(self, request: HttpRequest, **credentials) -> None:
        # A completed password reset proves the owner holds the mailbox: lift the
        # account-wide lock as well as this address's counts.
        super()._delete_login_attempts_cached_email(request, **credentials)
        ratelimit.clear(
            request,
            app="allauth.account",
            action="login_failed_account",
            key=self._login_account(request, **credentials),
        )
