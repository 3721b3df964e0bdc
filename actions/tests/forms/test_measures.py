"""The numbers people type for a measure: decimals, thousands, and what is refused."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from actions.forms.fields import parse_measure_number


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("42", Decimal("42")),
        ("12.5", Decimal("12.5")),
        (".5", Decimal("0.5")),
        ("-3", Decimal("-3")),
        ("1,250", Decimal("1250")),
        ("1,250,000.75", Decimal("1250000.75")),
        ("1 250", Decimal("1250")),
        ("1\u202f250", Decimal("1250")),
    ],
)
def test_numbers_as_people_type_them(typed, value):
    assert parse_measure_number(typed, label="Target") == value


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1,5", "Target: use a full stop for decimals, like 1.5"),
        ("12,50", "Target: use a full stop for decimals"),
        ("12 days", "Target: enter a number, like 42, 12.5 or 1,250, without the unit."),
        ("40%", "without the unit"),
        ("1e5", "enter a number"),
        ("NaN", "enter a number"),
        ("12345678901", "the number is too big"),
        ("1.23456", "at most 4 decimal places"),
    ],
)
def test_what_is_refused_says_how_to_write_it(typed, message):
    with pytest.raises(ValidationError) as refused:
        parse_measure_number(typed, label="Target")
    assert message in refused.value.messages[0]
