"""Model rules that hold whatever path writes the rows (models.py)."""

import pytest
from django.db import IntegrityError
from django_scopes import scopes_disabled

from stakeholders.models import STAKEHOLDER_FIELDS, STAKEHOLDER_NOT_RECORDED, Stakeholder


@pytest.mark.django_db
def test_database_refuses_contact_details_without_consent(org):
    with scopes_disabled(), pytest.raises(IntegrityError):
        Stakeholder.objects.create(organisation=org, name="X", sector="nhs", email="x@example.org")


def test_every_stakeholder_field_is_recorded_by_a_person_or_set_by_the_platform():
    """A new field must be added to STAKEHOLDER_FIELDS (the form and the CSV then carry it)
    or to STAKEHOLDER_NOT_RECORDED with the reason."""
    fields = {f.name for f in Stakeholder._meta.concrete_fields}
    assert fields - set(STAKEHOLDER_FIELDS) - set(STAKEHOLDER_NOT_RECORDED) == set()
    assert set(STAKEHOLDER_FIELDS) & set(STAKEHOLDER_NOT_RECORDED) == set()
    assert set(STAKEHOLDER_FIELDS) | set(STAKEHOLDER_NOT_RECORDED) <= fields
    assert all(reason for reason in STAKEHOLDER_NOT_RECORDED.values())
