"""allauth adapters."""

import base64
import hashlib

from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet
from django.conf import settings


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
