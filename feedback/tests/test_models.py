"""What the database itself refuses, whatever code writes the rows, and the trust pulse's
questions declared with its model."""

import pytest
from django.db import IntegrityError, transaction
from django_scopes import scopes_disabled

from feedback.models import PULSE_FIELDS, PULSE_QUESTIONS, PulseResponse
from feedback.tests.builders import make_insight

pytestmark = pytest.mark.django_db


def test_the_database_refuses_a_name_without_consent(org, cycle):
    with pytest.raises(IntegrityError):
        make_insight(cycle, contributor_name="Hodan")


def test_the_database_refuses_a_rating_outside_1_to_5(cycle, survey):
    found, _token = survey
    with scopes_disabled(), pytest.raises(IntegrityError), transaction.atomic():
        PulseResponse.objects.create(
            organisation_id=found.organisation_id,
            survey=found,
            **{field: 3 for field in PULSE_FIELDS} | {"integrity": 6},
        )


LABELS = ["Openness", "Fairness", "Consistency", "Understanding", "Ability", "Integrity"]


def test_the_pulse_module_lists_six_questions_in_order():
    assert [q.label for q in PULSE_QUESTIONS] == LABELS
