import re
from datetime import UTC, datetime

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, TOTP
from django.core import mail
from django.test import Client
from django.urls import reverse

from t2a.models import Role
from tests.cast import PASSWORD, make_member, totp_code


def sign_in(client: Client, email: str, password: str = PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


@pytest.mark.django_db
def test_sign_in_with_email_and_password_lands_on_home(admin_user):
    client = Client()
    response = sign_in(client, admin_user.email)
    assert response.status_code == 302
    assert response.url == reverse("home")
    home = client.get(reverse("home"), follow=True)
    assert "Northgate ICB" in home.text


@pytest.mark.django_db
def test_wrong_password_is_refused_with_an_error_summary(admin_user):
    response = sign_in(Client(), admin_user.email, "not-the-password")
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "_auth_user_id" not in response.wsgi_request.session


@pytest.mark.django_db
def test_sign_out_ends_the_session(admin_user):
    client = Client()
    sign_in(client, admin_user.email)
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert client.get(reverse("organisation_home", args=["northgate"])).status_code == 302


@pytest.mark.django_db
def test_password_reset_sends_a_mail_with_a_working_link(admin_user):
    client = Client()
    response = client.post(reverse("account_reset_password"), {"email": admin_user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://\S+/accounts/password/reset/key/\S+", mail.outbox[0].body).group(0)
    path = link.split("testserver", 1)[-1]
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    response = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else path,
        {"password1": "a-new-long-passphrase-42", "password2": "a-new-long-passphrase-42"},
    )
    assert response.status_code == 302
    admin_user.refresh_from_db()
    assert admin_user.check_password("a-new-long-passphrase-42")


@pytest.mark.django_db
@time_machine.travel(datetime(2026, 11, 22, 12, 0, 5, tzinfo=UTC), tick=False)
def test_mfa_enrolment_then_totp_sign_in_and_no_replay(admin_user):
    client = Client()
    sign_in(client, admin_user.email)
    # Turning MFA on asks for the password again first.
    response = client.get(reverse("mfa_activate_totp"))
    assert response.url.startswith(reverse("account_reauthenticate"))
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=admin_user, type=Authenticator.Type.TOTP).exists()

    with time_machine.travel(datetime(2026, 11, 22, 12, 1, 5, tzinfo=UTC), tick=False):
        code = totp_code(secret)
        first = Client()
        response = sign_in(first, admin_user.email)
        assert response.url == reverse("mfa_authenticate")
        response = first.post(reverse("mfa_authenticate"), {"code": code})
        assert response.status_code == 302
        assert first.get(reverse("home"), follow=True).status_code == 200

        # Someone who saw that code cannot use it again in the same time window.
        second = Client()
        sign_in(second, admin_user.email)
        response = second.post(reverse("mfa_authenticate"), {"code": code})
        assert response.status_code == 200
        assert "_auth_user_id" not in second.session


@pytest.mark.django_db
def test_mfa_required_organisation_sends_member_to_enrol(org, client_for):
    org.mfa_required = True
    org.save()
    member = make_member(org, Role.ENGAGEMENT_LEAD, "lead@northgate.example.org")
    client = client_for(member)
    response = client.get(reverse("organisation_home", args=[org.slug]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("mfa_activate_totp"))
    assert "next=%2Fo%2Fnorthgate%2F" in response.url
    # Pages outside the organisation (such as the list of organisations) stay open.
    assert client.get(reverse("organisation_chooser")).status_code == 200


@pytest.mark.django_db
def test_mfa_required_organisation_lets_enrolled_member_in(org, client_for):
    org.mfa_required = True
    org.save()
    member = make_member(org, Role.ENGAGEMENT_LEAD, "lead@northgate.example.org")
    TOTP.activate(member, "JBSWY3DPEHPK3PXP")
    response = client_for(member).get(reverse("organisation_home", args=[org.slug]))
    assert response.status_code == 200


@pytest.mark.django_db
def test_sign_up_needs_email_verification(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_signup"),
            {
                "email": "new.person@example.org",
                "password1": "a-long-unusual-passphrase",
                "password2": "a-long-unusual-passphrase",
            },
        )
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert "Confirm" in mail.outbox[0].subject or "confirm" in mail.outbox[0].body.lower()
