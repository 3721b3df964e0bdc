"""Forms for escalations: raising a barrier with the governance board, and its decision."""

from django import forms

from t2a.forms import T2AForm

from ..models import LONG_TEXT
from .fields import rows


class EscalationForm(T2AForm):
    reason = forms.CharField(
        label="What should the governance board decide, and why?",
        max_length=LONG_TEXT,
        widget=rows(5),
    )


class EscalationDecisionForm(T2AForm):
    decision = forms.CharField(label="The board's decision", max_length=LONG_TEXT, widget=rows(5))
