"""Fields and widgets shared by the app's forms."""

import re
from decimal import ROUND_DOWN, Decimal

from django import forms
from django.core.exceptions import ValidationError

from t2a.models import User

from ..models import MEASURE_DIGITS, MEASURE_PLACES

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def rows(n: int) -> forms.Textarea:
    """A text area `n` rows high."""
    return forms.Textarea(attrs={"rows": n})


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.full_name or obj.email


# "1,250" and "1 250" group thousands; a comma anywhere else is someone's decimal comma.
_GROUPED = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")
_PLAIN = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


def parse_measure_number(text: str, *, label: str) -> Decimal:
    """A measured number as people type it, or a ValidationError that says how to write it.

    A full stop marks decimals; commas and spaces may group thousands. "1,5" is refused
    rather than guessed at: in English it is no number, elsewhere it means one and a half.
    """
    compact = re.sub(r"[\s\u00a0\u202f]", "", text)
    if _GROUPED.fullmatch(compact):
        compact = compact.replace(",", "")
    elif "," in compact and _PLAIN.fullmatch(compact.replace(",", ".")):
        raise ValidationError(
            f"{label}: use a full stop for decimals, like 1.5 (commas only group thousands, "
            "like 1,250)."
        )
    if not _PLAIN.fullmatch(compact):
        raise ValidationError(f"{label}: enter a number, like 42, 12.5 or 1,250, without the unit.")
    value = Decimal(compact)
    whole = value.copy_abs().quantize(Decimal(1), rounding=ROUND_DOWN)
    whole_digits = len(whole.as_tuple().digits) if whole else 0
    if whole_digits > MEASURE_DIGITS - MEASURE_PLACES:
        raise ValidationError(
            f"{label}: the number is too big (at most 10 digits before the point)."
        )
    if -value.as_tuple().exponent > MEASURE_PLACES:
        raise ValidationError(f"{label}: use at most {MEASURE_PLACES} decimal places.")
    return value
