"""Erasure (services/privacy.py)."""

import pytest
from auditlog.models import LogEntry
from django.core.files.storage import default_storage
from django_scopes import scope, scopes_disabled

from cycles.models import Report
from cycles.tests.builders import make_cycle
from stakeholders.models import (
    Stakeholder,
)
from stakeholders.selectors.privacy import subject_access_export
from stakeholders.services.privacy import _needles, stakeholder_erase
from stakeholders.tests.privacy_builders import (
    EMAIL,
    NAME,
    grace_everywhere,
    stored_file,
)
from t2a.models import OrganisationExport, Role


@pytest.mark.django_db
def test_erasure_is_recorded_without_what_was_erased(org, users):
    grace = grace_everywhere(org, users)
    with scope(organisation=org.pk):
        stakeholder_erase(stakeholder=grace, typed_name=NAME, actor=users[Role.ADMIN])
        grace.refresh_from_db()
        assert grace.erased_at and grace.erased_by_id == users[Role.ADMIN].pk
        last = LogEntry.objects.filter(object_id=grace.pk, object_repr=grace.name).latest("pk")
        assert set(last.changes) == {"erased_at", "erased_by"}
        assert last.actor_id == users[Role.ADMIN].pk
        export = subject_access_export(stakeholder=grace).as_zip()
    assert NAME.encode() not in export and EMAIL.encode() not in export


def test_mentions_are_found_however_a_phone_number_is_written():
    jo = Stakeholder(name="Jo", phone="07700 900123", email="jo@example.org")
    text = (
        "Jo rang from 07700-900-123; Joanne wrote from jo@example.org, "
        "or call (07700) 900123, not 077009001234."
    )
    for _, _, pattern in _needles(jo):
        text = pattern.sub("[x]", text)
    assert text == "[x] rang from [x]; Joanne wrote from [x], or call ([x], not 077009001234."


@pytest.mark.django_db(transaction=True)
def test_erasure_withdraws_reports_and_exports_made_before_it(org, other_org, users):
    grace = grace_everywhere(org, users)
    cycle = make_cycle(org, "Night buses")
    report = stored_file(org, cycle, Report, "report.pdf")
    export = stored_file(org, None, OrganisationExport, "export.zip")
    theirs = stored_file(other_org, None, OrganisationExport, "theirs.zip")
    names = [row.file.name for row in (report, export, theirs)]
    assert all(default_storage.exists(name) for name in names)

    with scope(organisation=org.pk):
        stakeholder_erase(stakeholder=grace, typed_name=NAME, actor=users[Role.ADMIN])

    assert not default_storage.exists(names[0]) and not default_storage.exists(names[1])
    assert default_storage.exists(names[2]), "another organisation's export is untouched"
    with scopes_disabled():
        for row in (report, export):
            row.refresh_from_db()
            assert (row.status, row.file.name) == ("failed", "")
            assert "erased" in row.error
        theirs.refresh_from_db()
        assert theirs.status == "done"
    default_storage.delete(names[2])


@pytest.mark.django_db
def test_erasure_removes_consent_to_be_named_and_who_gave_it(org, users):
    grace = grace_everywhere(org, users)
    with scopes_disabled():
        Stakeholder.objects.filter(pk=grace.pk).update(
            named_in_reports=True,
            named_on_public_page=True,
            naming_consent_given_by="Her daughter, Amina Bello",
            naming_consent_date="2026-09-01",
            naming_consent_recorded_by=users[Role.ADMIN],
        )
        grace.refresh_from_db()
    with scope(organisation=org.pk):
        stakeholder_erase(stakeholder=grace, typed_name=NAME, actor=users[Role.ADMIN])
        grace.refresh_from_db()
    assert grace.naming_outputs == []
    assert (grace.naming_consent_given_by, grace.naming_consent_date) == ("", None)
    assert grace.naming_consent_recorded_by is None
