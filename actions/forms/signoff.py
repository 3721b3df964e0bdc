"""Forms for community sign-off: how many leads must approve, and a lead's answer."""

from django import forms

from t2a.forms import T2AForm

from ..models import LONG_TEXT, Decision
from .fields import rows


class MinApprovalsForm(T2AForm):
    rule = forms.ChoiceField(
        label="Who must approve the plan?",
        choices=[
            ("all", "Every community lead on the cycle"),
            ("minimum", "A minimum number of community leads"),
        ],
        widget=forms.RadioSelect,
    )
    min_approvals = forms.IntegerField(
        label="Minimum number of approvals",
        required=False,
        min_value=1,
        help_text="At least one.",
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("rule") == "minimum" and not cleaned.get("min_approvals"):
            self.add_error("min_approvals", "Enter how many community leads must approve.")
        return cleaned

    def value(self) -> int | None:
        if self.cleaned_data["rule"] == "minimum":
            return self.cleaned_data["min_approvals"]
        return None


class SignOffForm(T2AForm):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=Decision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to approve or ask for changes."},
    )
    comment = forms.CharField(
        label="Comment",
        required=False,
        max_length=LONG_TEXT,
        widget=rows(4),
        help_text="Needed if you ask for changes: say what should change.",
    )
    content_hash = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("decision") == Decision.REQUEST_CHANGES
            and not cleaned.get("comment", "").strip()
        ):
            self.add_error("comment", "Say what you would like changed.")
        return cleaned
