import pytest
from django import forms
from django_scopes import ScopeError, scope, scopes_disabled

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


class MemberChoiceForm(forms.Form):
    # A class-level `Membership.objects.all()` would raise at import (no scope then), so
    # choice querysets are always made per request, inside the organisation's scope.
    member = forms.ModelChoiceField(queryset=Membership.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = Membership.objects.select_related("user")


@pytest.mark.django_db
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
