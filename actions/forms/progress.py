"""The progress update form."""

from django import forms

from ..models import LONG_TEXT, ActionStatus
from .fields import rows


class ProgressUpdateForm(forms.Form):
    status = forms.ChoiceField(label="Status now", choices=ActionStatus.choices)
    narrative = forms.CharField(label="What has happened", max_length=LONG_TEXT, widget=rows(5))
    barriers = forms.CharField(
        label="Barriers",
        required=False,
        max_length=LONG_TEXT,
        widget=rows(3),
        help_text="Anything in the way. You can escalate a barrier to the governance board.",
    )
    evidence_url = forms.URLField(label="Link to evidence", required=False, max_length=500)
    dropped_reason = forms.CharField(
        label="If dropped, why",
        required=False,
        max_length=2000,
        widget=rows(3),
    )
    public = forms.BooleanField(
        label="Share this update with the public",
        required=False,
        help_text="Public updates may appear on the cycle's \u201cyou said, we did\u201d page. "
        "Write in plain English and leave out personal details.",
    )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("status") == ActionStatus.DROPPED
            and not cleaned.get("dropped_reason", "").strip()
        ):
            self.add_error("dropped_reason", "Say why the action is being dropped.")
        return cleaned
