"""Fuzz the public trust-pulse form: whatever is posted, a page or a clear error (never a
500), and a refused answer saves nothing at all."""

import pytest
from django.test import Client
from django_scopes import scopes_disabled
from hypothesis import given
from hypothesis import strategies as st

from feedback.models import PulseResponse
from feedback.pulse import FIELDS
from tests.fuzzing import fuzz_settings

from .builders import make_pulse_survey

pytestmark = pytest.mark.django_db

rating = st.one_of(
    st.sampled_from(["1", "2", "3", "4", "5"]),
    st.sampled_from(["", "0", "6", "-1", "3.0", " 4", "1e1", "٣", "99999999999999999999"]),
    st.text(max_size=20),
    st.none(),
)
FUZZ = fuzz_settings(40)


@pytest.fixture
def link(org, cycle, monkeypatch):
    monkeypatch.setattr("feedback.pulse.RATE_LIMITS", ((60, 10_000),))
    _survey, token = make_pulse_survey(cycle)
    return f"/p/{org.slug}/{cycle.slug}/trust-pulse/{token}/"


@FUZZ
@given(
    # Half the time every rating is valid, so saving is fuzzed too, not only refusing.
    ratings=st.fixed_dictionaries({field: st.sampled_from("12345") for field in FIELDS})
    | st.fixed_dictionaries({field: rating for field in FIELDS}),
    comment=st.text(max_size=2100) | st.none(),
    extra=st.dictionaries(st.sampled_from(["survey", "id", "given_on", "x"]), st.text(max_size=10)),
)
def test_the_public_form_never_fails_and_never_half_saves(link, ratings, comment, extra):
    data = {k: v for k, v in {**ratings, "comment": comment, **extra}.items() if v is not None}
    with scopes_disabled():
        before = PulseResponse.objects.count()
    response = Client().post(link, data)
    assert response.status_code in (302, 400)
    with scopes_disabled():
        after = list(PulseResponse.objects.order_by("pk"))
    if response.status_code == 400:
        assert len(after) == before
        assert "There is a problem" in response.content.decode()
    else:
        # Only whole answers are saved: every rating was a number from 1 to 5.
        assert all(ratings[field] in set("12345") for field in FIELDS)
        assert len(after) == before + 1
        saved = after[-1]
        for field in FIELDS:
            assert getattr(saved, field) == int(ratings[field])
            assert 1 <= getattr(saved, field) <= 5
        assert saved.comment == (comment or "").strip()
