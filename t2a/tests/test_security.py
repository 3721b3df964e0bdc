import re
from pathlib import Path

import pytest
from allauth.mfa.adapter import get_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.test import Client
from django.urls import reverse

from t2a.models import Role
from tests.cast import PASSWORD

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


@pytest.mark.django_db
def test_totp_secret_is_encrypted_at_rest(admin_user):
    secret = "JBSWY3DPEHPK3PXP"
    TOTP.activate(admin_user, secret)
    stored = Authenticator.objects.get(user=admin_user, type=Authenticator.Type.TOTP)
    assert secret not in str(stored.data)
    assert TOTP(stored).instance.data["secret"] != secret

    assert get_adapter().decrypt(stored.data["secret"]) == secret


@pytest.mark.django_db
def test_sixth_failed_sign_in_is_refused_even_with_a_spoofed_forwarded_for(admin_user):
    url = reverse("account_login")
    for n in range(5):
        response = Client().post(
            url,
            {"login": admin_user.email, "password": "wrong"},
            headers={"X-Forwarded-For": f"203.0.113.{n}"},
        )
        assert response.status_code == 200
    # Even the right password is refused now, from a "new" address.
    response = Client().post(
        url,
        {"login": admin_user.email, "password": PASSWORD},
        headers={"X-Forwarded-For": "198.51.100.7"},
    )
    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in response.wsgi_request.session


@pytest.mark.django_db
def test_changing_password_ends_other_sessions(admin_user):
    laptop, phone = Client(), Client()
    for client in (laptop, phone):
        client.post(reverse("account_login"), {"login": admin_user.email, "password": PASSWORD})
    assert phone.get(reverse("organisation_chooser")).context["user"].is_authenticated
    laptop.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "new-long-passphrase-77",
            "password2": "new-long-passphrase-77",
        },
    )
    assert not phone.get(reverse("home")).context["user"].is_authenticated


@pytest.mark.django_db
def test_csp_is_enforced_with_a_nonce_on_every_script(org, users, client_for):
    response = client_for(users[Role.ADMIN]).get(reverse("members", args=[org.slug]))
    policy = response.headers["Content-Security-Policy"]
    assert "Content-Security-Policy-Report-Only" not in response.headers
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    assert "script-src 'self' 'nonce-" in policy
    assert "unsafe-inline" not in policy
    scripts = re.findall(r"<script[^>]*>", response.text)
    assert scripts
    assert all(f'nonce="{nonce}"' in tag for tag in scripts)
    styles = re.findall(r"<style[^>]*>", response.text)
    assert all(f'nonce="{nonce}"' in tag for tag in styles)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/health/", "/accounts/login/", "/p/nowhere/x/"])
def test_no_page_may_use_camera_microphone_location_or_payment(path):
    """Public pages, sign-in and error pages alike carry the Permissions-Policy header."""
    policy = Client().get(path).headers["Permissions-Policy"]
    features = dict(part.strip().split("=", 1) for part in policy.split(","))
    assert {
        name: features.get(name) for name in ("camera", "microphone", "geolocation", "payment")
    } == {
        "camera": "()",
        "microphone": "()",
        "geolocation": "()",
        "payment": "()",
    }


def test_templates_have_no_inline_style_attributes_or_bare_scripts():
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        if re.search(r"\sstyle=\"", text):
            offenders.append(f"{path}: style attribute")
        for tag in re.findall(r"<script[^>]*>", text):
            if "nonce=" not in tag:
                offenders.append(f"{path}: {tag}")
    assert not offenders, "\n".join(offenders)


@pytest.mark.django_db
def test_admin_is_for_superusers_only(admin_user, client_for):
    # An organisation admin is not a Django superuser.
    response = client_for(admin_user).get("/admin/")
    assert response.status_code == 302
    assert "/accounts/login/" in response.url or "/admin/login/" in response.url
