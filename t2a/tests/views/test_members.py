from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from t2a.models import Invitation, Membership, MessageStatus, OutboundMessage, Role, User
from t2a.services import organisations as services
from tests.cast import PASSWORD, make_member, make_user
from tests.matrix import assert_role_matrix


def members_url(org) -> str:
    return reverse("members", args=[org.slug])


@pytest.mark.django_db
def test_members_page_matrix(org, users, client_for):
    assert_role_matrix(client_for, users, members_url(org), get={Role.ADMIN})


@pytest.mark.django_db
def test_members_page_is_404_for_outsiders_and_login_for_anonymous(org, outsider, client_for):
    assert client_for(outsider).get(members_url(org)).status_code == 404
    response = client_for(None).get(members_url(org))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.django_db
def test_members_page_lists_members_and_open_invitations(org, users, client_for):
    client = client_for(users[Role.ADMIN])
    client.post(
        reverse("member_invite", args=[org.slug]),
        {"email": "new.lead@example.org", "role": Role.ENGAGEMENT_LEAD},
    )
    page = client.get(members_url(org))
    for user in users.values():
        assert user.email in page.text
    assert "new.lead@example.org" in page.text


@pytest.mark.django_db
def test_member_page_query_count_is_constant(org, users, client_for, django_assert_max_num_queries):
    client = client_for(users[Role.ADMIN])
    with django_assert_max_num_queries(12):
        client.get(members_url(org))
    for n in range(30):
        make_member(org, Role.COMMUNITY_LEAD, f"extra{n}@example.org")
    with django_assert_max_num_queries(12):
        client.get(members_url(org))


@pytest.mark.django_db
def test_change_role_matrix(org, users, client_for):
    target = make_member(org, Role.COMMUNITY_LEAD, "target@example.org")
    with scopes_disabled():
        pk = Membership.objects.get(user=target).pk
    url = reverse("member_change_role", args=[org.slug, pk])
    assert_role_matrix(client_for, users, url, post={Role.ADMIN}, data={"role": Role.GOVERNANCE})


@pytest.mark.django_db
def test_change_role_with_htmx_returns_the_row(org, users, client_for):
    target = make_member(org, Role.COMMUNITY_LEAD, "target@example.org")
    with scopes_disabled():
        membership = Membership.objects.get(user=target)
    response = client_for(users[Role.ADMIN]).post(
        reverse("member_change_role", args=[org.slug, membership.pk]),
        {"role": Role.GOVERNANCE},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response.text.strip().startswith(
        f'<tr class="nhsuk-table__row" id="member-{membership.pk}"'
    )
    membership.refresh_from_db()
    assert membership.role == Role.GOVERNANCE


@pytest.mark.django_db
def test_unknown_role_is_refused_and_nothing_changes(org, users, client_for):
    target = make_member(org, Role.COMMUNITY_LEAD, "target@example.org")
    with scopes_disabled():
        membership = Membership.objects.get(user=target)
    response = client_for(users[Role.ADMIN]).post(
        reverse("member_change_role", args=[org.slug, membership.pk]),
        {"role": "overlord"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200  # htmx swaps only 2xx; the row shows the error
    assert "Choose a role" in response.text
    assert 'role="alert"' in response.text
    membership.refresh_from_db()
    assert membership.role == Role.COMMUNITY_LEAD


@pytest.mark.django_db
def test_last_admin_cannot_be_demoted(org, users, client_for):
    admin = users[Role.ADMIN]
    with scopes_disabled():
        membership = Membership.objects.get(user=admin, organisation=org)
    client = client_for(admin)
    response = client.post(
        reverse("member_change_role", args=[org.slug, membership.pk]),
        {"role": Role.ENGAGEMENT_LEAD},
        follow=True,
    )
    assert "only admin" in response.text
    membership.refresh_from_db()
    assert membership.role == Role.ADMIN


@pytest.mark.django_db
def test_last_admin_cannot_be_removed(org, users, client_for):
    admin = users[Role.ADMIN]
    with scopes_disabled():
        membership = Membership.objects.get(user=admin, organisation=org)
    response = client_for(admin).post(
        reverse("member_remove", args=[org.slug, membership.pk]), follow=True
    )
    assert "only admin" in response.text
    with scopes_disabled():
        assert Membership.objects.filter(pk=membership.pk).exists()


@pytest.mark.django_db
def test_an_admin_can_be_demoted_when_another_admin_remains(org, users, client_for):
    second = make_member(org, Role.ADMIN, "second.admin@example.org")
    with scopes_disabled():
        membership = Membership.objects.get(user=second)
    client_for(users[Role.ADMIN]).post(
        reverse("member_change_role", args=[org.slug, membership.pk]),
        {"role": Role.GOVERNANCE},
    )
    membership.refresh_from_db()
    assert membership.role == Role.GOVERNANCE


@pytest.mark.django_db
def test_remove_member_matrix_and_effect(org, users, client_for):
    made = []

    def fresh(role):
        made.append(role)
        user = make_member(org, Role.GOVERNANCE, f"remove-{role.value}-{len(made)}@example.org")
        with scopes_disabled():
            return reverse("member_remove", args=[org.slug, Membership.objects.get(user=user).pk])

    assert_role_matrix(client_for, users, fresh, get={Role.ADMIN}, post={Role.ADMIN})
    with scopes_disabled():
        remaining = set(Membership.objects.values_list("user__email", flat=True))
    assert "remove-admin-5@example.org" not in remaining  # the admin's POST removed it
    assert "remove-governance-8@example.org" in remaining


@pytest.mark.django_db
def test_invitation_revoke_matrix(org, users, client_for):
    def fresh(role):
        with scopes_disabled():
            invitation = Invitation.objects.create(
                organisation=org, email=f"{role.value}@invitee.org", role=Role.GOVERNANCE,
                token_hash=f"hash-{role.value}",
            )  # fmt: skip
        return reverse("invitation_revoke", args=[org.slug, invitation.pk])

    assert_role_matrix(client_for, users, fresh, post={Role.ADMIN})
    with scopes_disabled():
        assert Invitation.objects.get(email="admin@invitee.org").revoked_at is not None
        assert Invitation.objects.get(email="governance@invitee.org").revoked_at is None


def invite(org, admin, email="new.person@example.org", role=Role.ENGAGEMENT_LEAD) -> str:
    with scope(organisation=org.pk):
        _, token = services.invitation_create(
            organisation=org, email=email, role=role, invited_by=admin
        )
    return token


def accept_url(org, token) -> str:
    return reverse("invitation_accept", args=[org.slug, token])


NEW_ACCOUNT = {
    "full_name": "Priya Natarajan",
    "password1": "a-long-unusual-passphrase",
    "password2": "a-long-unusual-passphrase",
}


@pytest.mark.django_db
def test_invite_matrix(org, users, client_for):
    assert_role_matrix(
        client_for,
        users,
        reverse("member_invite", args=[org.slug]),
        post={Role.ADMIN},
        data=lambda role: {"email": f"invitee-{role.value}@example.org", "role": Role.GOVERNANCE},
    )
    with scopes_disabled():
        assert list(Invitation.objects.values_list("email", flat=True)) == [
            "invitee-admin@example.org"
        ]


@pytest.mark.django_db
def test_invite_sends_an_email_with_the_link(
    org, users, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(users[Role.ADMIN]).post(
            reverse("member_invite", args=[org.slug]),
            {"email": "priya@example.org", "role": Role.ENGAGEMENT_LEAD},
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["priya@example.org"]
    assert "Northgate ICB" in message.subject
    assert "/o/northgate/join/" in message.body
    assert message.alternatives[0].mimetype == "text/html"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "not-an-email", "role": Role.ENGAGEMENT_LEAD}, "Enter a valid email address"),
        ({"email": "ok@example.org", "role": "overlord"}, "Select a valid choice"),
        ({"email": "", "role": ""}, "This field is required"),
    ],
)
def test_bad_invitation_shows_error_summary_and_creates_nothing(
    org, users, client_for, data, message
):
    response = client_for(users[Role.ADMIN]).post(reverse("member_invite", args=[org.slug]), data)
    assert response.status_code == 400
    assert "There is a problem" in response.text
    assert message in response.text
    with scopes_disabled():
        assert not Invitation.objects.exists()


@pytest.mark.django_db
def test_inviting_an_existing_member_is_refused(org, users, client_for):
    response = client_for(users[Role.ADMIN]).post(
        reverse("member_invite", args=[org.slug]),
        {"email": users[Role.GOVERNANCE].email.upper(), "role": Role.ADMIN},
    )
    assert response.status_code == 400
    assert "already a member" in response.text


@pytest.mark.django_db
def test_reinviting_withdraws_the_earlier_link(org, admin_user):
    first = invite(org, admin_user)
    second = invite(org, admin_user)
    assert Client().get(accept_url(org, first)).status_code == 410
    assert Client().get(accept_url(org, second)).status_code == 200


@pytest.mark.django_db
def test_accept_as_new_user_creates_account_and_membership(org, admin_user):
    token = invite(org, admin_user)
    client = Client()
    assert client.get(accept_url(org, token)).status_code == 200
    response = client.post(accept_url(org, token), NEW_ACCOUNT)
    assert response.status_code == 302
    assert response.url == reverse("organisation_home", args=[org.slug])
    user = User.objects.get(email="new.person@example.org")
    assert user.full_name == "Priya Natarajan"
    assert user.check_password(NEW_ACCOUNT["password1"])
    with scopes_disabled():
        assert Membership.objects.get(user=user, organisation=org).role == Role.ENGAGEMENT_LEAD
    assert client.get(response.url).status_code == 200  # signed in


@pytest.mark.django_db
def test_accept_as_new_user_with_bad_password_saves_nothing(org, admin_user):
    token = invite(org, admin_user)
    response = Client().post(
        accept_url(org, token),
        {"full_name": "Priya", "password1": "short", "password2": "different"},
    )
    assert response.status_code == 400
    assert "There is a problem" in response.text
    assert not User.objects.filter(email="new.person@example.org").exists()
    with scopes_disabled():
        assert Invitation.objects.get().accepted_at is None


@pytest.mark.django_db
def test_accept_as_existing_user_attaches_them(org, other_org, admin_user):
    existing = make_user("new.person@example.org")
    token = invite(org, admin_user)
    anonymous = Client()
    response = anonymous.get(accept_url(org, token))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))

    client = Client()
    client.post(reverse("account_login"), {"login": existing.email, "password": PASSWORD})
    assert client.get(accept_url(org, token)).status_code == 200
    response = client.post(accept_url(org, token))
    assert response.status_code == 302
    with scopes_disabled():
        assert Membership.objects.filter(user=existing, organisation=org).exists()
    assert User.objects.filter(email__iexact="new.person@example.org").count() == 1


@pytest.mark.django_db
def test_expired_token_is_refused(org, admin_user):
    token = invite(org, admin_user)
    with scopes_disabled():
        Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    response = Client().post(accept_url(org, token), NEW_ACCOUNT)
    assert response.status_code == 410
    assert "expired" in response.text
    assert not User.objects.filter(email="new.person@example.org").exists()


@pytest.mark.django_db
def test_reused_token_is_refused(org, admin_user):
    token = invite(org, admin_user)
    Client().post(accept_url(org, token), NEW_ACCOUNT)
    response = Client().post(accept_url(org, token), NEW_ACCOUNT)
    assert response.status_code == 410
    assert "already been used" in response.text
    with scopes_disabled():
        assert Membership.objects.filter(user__email="new.person@example.org").count() == 1


@pytest.mark.django_db
def test_token_under_another_organisations_slug_is_404(org, other_org, admin_user):
    token = invite(org, admin_user)
    assert Client().get(accept_url(other_org, token)).status_code == 404
    assert Client().post(accept_url(other_org, token), NEW_ACCOUNT).status_code == 404
    assert not User.objects.filter(email="new.person@example.org").exists()


@pytest.mark.django_db
def test_signed_in_as_someone_else_gets_404(org, admin_user, outsider, client_for):
    token = invite(org, admin_user)
    assert client_for(outsider).get(accept_url(org, token)).status_code == 404


@pytest.mark.django_db
def test_unknown_token_is_404(org):
    assert Client().get(accept_url(org, "not-a-real-token")).status_code == 404


@pytest.mark.django_db
def test_accepting_twice_at_once_creates_one_membership(org, admin_user):
    token = invite(org, admin_user)
    with scope(organisation=org.pk):
        invitation = services.invitation_for_token(organisation=org, token=token)
        services.invitation_accept(invitation=invitation, full_name="A", password=PASSWORD)
        with pytest.raises(services.ValidationError):
            services.invitation_accept(invitation=invitation, full_name="A", password=PASSWORD)


# The invitation email's state: queued, sent, or failed with a send-again button ---------


def invitation_message(email: str) -> OutboundMessage:
    with scopes_disabled():
        invitation = Invitation.objects.get(email=email, revoked_at=None)
        return OutboundMessage.objects.filter(object_id=invitation.pk).latest("pk")


def send_again_url(org, invitation) -> str:
    return reverse("invitation_send_again", args=[org.slug, invitation.pk])


def open_invitation(org, email, invited_by=None) -> Invitation:
    with scopes_disabled():
        return Invitation.objects.create(
            organisation=org, email=email, role=Role.GOVERNANCE, token_hash=f"hash-{email}",
            invited_by=invited_by,
        )  # fmt: skip


@pytest.mark.django_db
def test_inviting_says_queued_until_the_email_has_gone(
    org, users, client_for, django_capture_on_commit_callbacks
):
    client = client_for(users[Role.ADMIN])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            reverse("member_invite", args=[org.slug]),
            {"email": "priya@example.org", "role": Role.ENGAGEMENT_LEAD},
            follow=True,
        )
    assert "Invitation to priya@example.org queued" in response.text
    assert "Invitation sent" not in response.text
    assert '<strong class="nhsuk-tag nhsuk-tag--grey">Queued</strong>' in response.text
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    page = client.get(members_url(org))
    assert '<strong class="nhsuk-tag nhsuk-tag--green">Sent</strong>' in page.text
    assert "Send again" not in page.text
    assert len(mail.outbox) == 1
    assert (
        mail.outbox[0].extra_headers["Message-ID"]
        == invitation_message("priya@example.org").message_id
    )


@pytest.mark.django_db
def test_a_failed_invitation_email_can_be_sent_again_with_a_new_link(
    org, users, client_for, django_capture_on_commit_callbacks
):
    admin = users[Role.ADMIN]
    old_token = invite(org, admin, "priya@example.org")
    failed = invitation_message("priya@example.org")
    OutboundMessage.everywhere.filter(pk=failed.pk).update(status=MessageStatus.FAILED)
    client = client_for(admin)
    page = client.get(members_url(org))
    assert '<strong class="nhsuk-tag nhsuk-tag--red">Failed</strong>' in page.text
    with scopes_disabled():
        invitation = Invitation.objects.get(email="priya@example.org")
    assert send_again_url(org, invitation) in page.text

    with django_capture_on_commit_callbacks(execute=True):
        client.post(send_again_url(org, invitation))
    response = client.get(members_url(org))
    assert "A new invitation to priya@example.org is queued" in response.text
    assert '<strong class="nhsuk-tag nhsuk-tag--green">Sent</strong>' in response.text
    (email,) = mail.outbox
    assert old_token not in email.body
    new_link = next(line for line in email.body.splitlines() if "/join/" in line).strip()
    assert Client().get(new_link.removeprefix("http://127.0.0.1:8000")).status_code == 200
    assert Client().get(accept_url(org, old_token)).status_code == 404


@pytest.mark.django_db
def test_send_again_matrix(org, users, client_for):
    assert_role_matrix(
        client_for,
        users,
        lambda role: send_again_url(org, open_invitation(org, f"{role.value}@again.org")),
        post={Role.ADMIN},
    )
    with scopes_disabled():
        messages = OutboundMessage.objects.values_list("recipient", flat=True)
        assert list(messages) == ["admin@again.org"]


@pytest.mark.django_db
def test_send_again_is_404_across_organisations(org, other_org, users, outsider, client_for):
    mine = open_invitation(org, "mine@example.org")
    theirs = open_invitation(other_org, "theirs@example.org")
    assert client_for(outsider).post(send_again_url(org, mine)).status_code == 404
    # Another organisation's invitation, asked for under this organisation's address.
    url = reverse("invitation_send_again", args=[org.slug, theirs.pk])
    assert client_for(users[Role.ADMIN]).post(url).status_code == 404
    with scopes_disabled():
        assert not OutboundMessage.objects.exists()


@pytest.mark.django_db
def test_send_again_for_a_withdrawn_invitation_says_so_and_sends_nothing(org, users, client_for):
    invitation = open_invitation(org, "gone@example.org")
    with scopes_disabled():
        Invitation.objects.filter(pk=invitation.pk).update(revoked_at=timezone.now())
    response = client_for(users[Role.ADMIN]).post(send_again_url(org, invitation), follow=True)
    assert response.status_code == 200
    assert "This invitation has been used, withdrawn or has expired." in response.text
    with scopes_disabled():
        assert not OutboundMessage.objects.exists()


@pytest.mark.django_db
def test_members_page_with_invitations_keeps_its_query_count(
    org, users, client_for, django_assert_max_num_queries
):
    admin = users[Role.ADMIN]
    client = client_for(admin)
    invite(org, admin, "first@example.org")
    with django_assert_max_num_queries(13):
        client.get(members_url(org))
    for n in range(20):
        invite(org, admin, f"invitee{n}@example.org")
    with django_assert_max_num_queries(13):
        client.get(members_url(org))
