import pytest
from django_scopes import ScopeError, scope

from t2a.models import Invitation, Membership


@pytest.mark.django_db
def test_tenant_query_without_a_scope_raises(org):
    with pytest.raises(ScopeError):
        list(Invitation.objects.all())
    with pytest.raises(ScopeError):
        Membership.objects.filter(role="admin").count()


@pytest.mark.django_db
def test_tenant_query_inside_a_scope_sees_only_that_organisation(org, other_org, users, outsider):
    with scope(organisation=org.pk):
        emails = set(Membership.objects.values_list("user__email", flat=True))
    assert outsider.email not in emails
    assert users["admin"].email in emails
