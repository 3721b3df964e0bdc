import pytest
from django import forms
from django.contrib.auth import SESSION_KEY
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import ScopeError, scope, scopes_disabled

from t2a.models import Invitation, Membership, User

pytestmark = pytest.mark.django_db


def test_tenant_query_without_a_scope_raises(org):
    with pytest.raises(ScopeError):
        list(Invitation.objects.all())
    with pytest.raises(ScopeError):
        Membership.objects.filter(role="admin").count()


def test_tenant_query_inside_a_scope_sees_only_that_organisation(org, other_org, users, outsider):
    with scope(organisation=org.pk):
        emails = set(Membership.objects.values_list("user__email", flat=True))
    assert outsider.email not in emails
    assert users["admin"].email in emails


class MemberChoiceForm(forms.Form):
    # A class-level `Membership.objects.all()` would raise at import (no scope then), so
    # choice querysets are always made per request, inside the organisation's scope.
    member = forms.ModelChoiceField(queryset=Membership.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = Membership.objects.select_related("user")


def test_model_choice_fields_offer_only_the_current_organisations_rows(
    org, other_org, users, outsider
):
    with scope(organisation=org.pk):
        form = MemberChoiceForm()
        offered = {str(choice[1]) for choice in form.fields["member"].choices if choice[0]}
        with scopes_disabled():
            outsider_membership = Membership.objects.get(user=outsider)
        bound = MemberChoiceForm({"member": outsider_membership.pk})
        assert not bound.is_valid()
    assert len(offered) == len(users)
    assert not any(outsider.email in label or "Southfield" in label for label in offered)


def test_model_choice_field_outside_a_scope_fails_closed(db):
    with pytest.raises(ScopeError):
        MemberChoiceForm()


# The member, organisation and role in one query (t2a.tenancy._member_from_session) must
# accept exactly the sessions django.contrib.auth would.


def test_the_member_organisation_and_person_come_in_one_query(client_for, admin_user, org):
    client = client_for(admin_user)
    client.get(f"/o/{org.slug}/")  # the session is in the cache now
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/o/{org.slug}/").status_code == 200
    members = [q["sql"] for q in queries if 'FROM "t2a_membership"' in q["sql"]]
    assert len(members) == 1
    assert '"t2a_user"' in members[0] and '"t2a_organisation"' in members[0]
    alone = [q["sql"] for q in queries if q["sql"].startswith('SELECT "t2a_user"')]
    assert alone == [], "the person was loaded again on their own"


def test_a_session_from_before_a_password_change_is_signed_out(client_for, admin_user, org):
    client = client_for(admin_user)
    assert client.get(f"/o/{org.slug}/").status_code == 200
    admin_user.set_password("a-new-password-for-the-admin")
    admin_user.save()
    response = client.get(f"/o/{org.slug}/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_deactivated_member_is_signed_out(client_for, admin_user, org):
    client = client_for(admin_user)
    assert client.get(f"/o/{org.slug}/").status_code == 200
    User.objects.filter(pk=admin_user.pk).update(is_active=False)
    response = client.get(f"/o/{org.slug}/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_session_naming_someone_else_is_refused(client_for, admin_user, org, outsider):
    client = client_for(admin_user)
    session = client.session
    session[SESSION_KEY] = str(outsider.pk)  # the admin's hash, another person's id
    session.save()
    response = client.get(f"/o/{org.slug}/")
    assert response.status_code in (302, 404)
    assert org.name not in response.content.decode()
