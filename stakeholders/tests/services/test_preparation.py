"""Writes for community-lead preparation (services/preparation.py)."""

from decimal import Decimal

import pytest
from django_scopes import scope, scopes_disabled

from stakeholders.models import (
    RoleAgreement,
)
from stakeholders.services.preparation import role_agreement_save
from t2a.models import Role


@pytest.fixture
def lead(users):
    return users[Role.COMMUNITY_LEAD]


@pytest.mark.django_db
def test_an_agreement_cannot_be_made_for_someone_who_is_not_a_lead_of_the_cycle(org, users, cycle):
    with scope(organisation=org.pk), pytest.raises(Exception, match="not a community lead"):
        role_agreement_save(
            agreement=RoleAgreement(
                organisation=org,
                cycle=cycle,
                community_lead=users[Role.GOVERNANCE],
                role="Lead",
                hours_per_month=Decimal(4),
                payment_arrangement="none",
            )
        )
    with scopes_disabled():
        assert not RoleAgreement.objects.exists()
