import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from t2a.models import Invitation, Membership, Role
from tests.cast import make_member
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
