"""The CSV file's columns (forms/csv.py) come from the same declaration as the stakeholder
form (models.STAKEHOLDER_FIELDS), so neither can gain a field the other misses."""

import pytest
from django.contrib.auth.models import AnonymousUser

from stakeholders.forms.csv import COLUMN_FIELDS, COLUMNS, NOT_IN_CSV, READERS, read_import
from stakeholders.forms.stakeholders import EDITED_THROUGH, StakeholderForm
from stakeholders.models import STAKEHOLDER_FIELDS, TAG_FIELDS, Stakeholder


def form_edits() -> set[str]:
    """The model fields the stakeholder form edits, directly or through a field of its own."""
    model_fields = {f.name for f in Stakeholder._meta.get_fields()}
    direct = {name for name in StakeholderForm.base_fields if name in model_fields}
    return direct | set(EDITED_THROUGH)


def csv_carries() -> set[str]:
    return {name for fields in COLUMN_FIELDS.values() for name in fields}


def test_the_csv_carries_every_field_the_form_edits_unless_excluded_with_a_reason():
    assert form_edits() - csv_carries() == set(NOT_IN_CSV)
    assert all(len(reason) > 20 for reason in NOT_IN_CSV.values())


def test_the_csv_carries_nothing_the_form_does_not_edit():
    assert csv_carries() - form_edits() == set()


def test_both_come_from_the_one_declaration():
    assert form_edits() == set(STAKEHOLDER_FIELDS)
    assert set(EDITED_THROUGH.values()) <= set(StakeholderForm.base_fields)
    # The 3Ts travel as one column; every other field as a column of its own name.
    assert COLUMN_FIELDS["trusted"] == tuple(TAG_FIELDS.values())
    assert COLUMNS[:3] == ["name", "kind", "sector"]
    assert set(READERS) == set(COLUMNS)


@pytest.mark.django_db
def test_a_file_with_every_column_reads_into_a_stakeholder():
    values = {
        "name": "Brook Library",
        "kind": "Place",
        "sector": "Other public sector",
        "trusted": "Trusted Place; voice",
        "communities_reached": "Young carers; Somali women",
        "influence": "2",
        "interest": "4",
        "relationship_strength": "",
        "preferred_channels": "Email; social",
        "languages": "English",
        "access_needs": "Step-free",
        "notes": "Open late",
        "email": "",
        "phone": "",
        "address": "",
        "consent_date": "",
        "consent_basis": "",
    }
    assert list(values) == COLUMNS
    content = ",".join(COLUMNS) + "\n" + ",".join(values.values()) + "\n"
    preview = read_import(content, actor=AnonymousUser())
    assert preview.is_valid, [r.errors for r in preview.rows] + preview.file_errors
    (s,) = preview.stakeholders
    assert (s.kind, s.sector) == ("place", "other_public")
    assert (s.trusted_leader, s.trusted_voice, s.trusted_place) == (False, True, True)
    assert s.communities_reached == ["Young carers", "Somali women"]
    assert (s.influence, s.interest, s.relationship_strength) == (2, 4, 1)
    assert s.preferred_channels == ["email", "social"]
    assert (s.languages, s.access_needs, s.notes) == ("English", "Step-free", "Open late")
