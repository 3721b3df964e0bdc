"""Opening a trust pulse and recording answers (services/pulse.py)."""

import re

import pytest
from django.core.exceptions import ValidationError
from django_scopes import scope, scopes_disabled

from cycles.tests.builders import make_cycle
from feedback.models import PULSE_FIELDS, PulseResponse
from feedback.services.pulse import pulse_response_record, pulse_survey_close
from feedback.tests.builders import make_pulse_survey
from t2a.models import Role

pytestmark = pytest.mark.django_db


def test_tokens_are_long_and_random(org):
    tokens = set()
    for n in range(5):
        cycle = make_cycle(org, f"Cycle {n}", slug=f"cycle-x{n}")
        _survey, token = make_pulse_survey(cycle)
        assert len(token) >= 43 and re.fullmatch(r"[A-Za-z0-9_-]+", token)
        tokens.add(token)
    assert len(tokens) == 5


def answers() -> list[PulseResponse]:
    with scopes_disabled():
        return list(PulseResponse.objects.all())


def test_the_service_refuses_a_closed_survey_and_bad_ratings(org, cycle, survey, users):
    found, _token = survey
    ratings = {field: 3 for field in PULSE_FIELDS}
    with scope(organisation=org.pk):
        with pytest.raises(ValidationError):
            pulse_response_record(survey=found, ratings=ratings | {"ability": 7}, comment="")
        with pytest.raises(ValidationError):
            pulse_response_record(
                survey=found, ratings={k: v for k, v in ratings.items() if k != "ability"},
                comment="",
            )  # fmt: skip
        pulse_survey_close(survey=found, actor=users[Role.ADMIN])
        with pytest.raises(ValidationError, match="closed"):
            pulse_response_record(survey=found, ratings=ratings, comment="")
    assert answers() == []
