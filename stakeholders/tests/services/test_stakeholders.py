"""Writes for the register (services/stakeholders.py)."""

import pytest
from django.db import IntegrityError
from django_scopes import scope, scopes_disabled

from stakeholders.forms.csv import read_import
from stakeholders.models import Stakeholder
from stakeholders.services import stakeholders as services
from t2a.models import Role

HEADER = (
    "name,kind,sector,trusted,communities_reached,influence,interest,"
    "email,consent_date,consent_basis\n"
)


GOOD = (
    HEADER
    + "Brook Library,place,Other public sector,Trusted Place,Young carers; Somali women,2,4,,,\n"
    + "Pastor Grace,person,faith,Trusted Leader; Trusted Voice,Black African women,4,5,"
    + "grace@example.org,2026-01-10,consent\n"
)


def count() -> int:
    with scopes_disabled():
        return Stakeholder.objects.count()


@pytest.mark.django_db
def test_a_database_failure_on_the_last_row_rolls_back_the_whole_import(org, users, monkeypatch):
    preview = read_import(GOOD, actor=users[Role.ADMIN])
    assert preview.is_valid
    preview.stakeholders[-1].influence = 9  # bypasses validation; the database refuses it
    monkeypatch.setattr(services, "stakeholder_prepare", lambda **kw: kw["stakeholder"])
    with scope(organisation=org.pk), pytest.raises(IntegrityError):
        services.stakeholders_import(
            organisation=org, stakeholders=preview.stakeholders, actor=users[Role.ADMIN]
        )
    assert count() == 0
