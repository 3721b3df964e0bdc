"""The progress update form. On an action with a numeric measure it also asks for the
value now and the date it was measured."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from t2a.forms import T2AForm

from ..models import EXPLAINED_STATUSES, LONG_TEXT, Action, ActionStatus, status_reason_missing
from .fields import DATE_INPUT, parse_measure_number, rows


class ProgressUpdateForm(T2AForm):
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
    status_reason = forms.CharField(
        label="If paused or dropped, why",
        required=False,
        max_length=2000,
        widget=rows(3),
        help_text="Shown to the public next to the status, so write it for them: what "
        "happened, and what happens next.",
    )
    public = forms.BooleanField(
        label="Share this update with the public",
        required=False,
        help_text="Public updates may appear on the cycle's \u201cyou said, we did\u201d page. "
        "Write in plain English and leave out personal details.",
    )

    measured_value = forms.CharField(label="Value now", required=False, max_length=40)
    measured_on = forms.DateField(label="Date measured", required=False, widget=DATE_INPUT)

    def __init__(self, *args, action: Action, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not action.is_numeric:
            del self.fields["measured_value"], self.fields["measured_on"]
            return
        self.fields["measured_value"].label = f"{action.metric} now ({action.measure_unit})"
        self.fields["measured_value"].help_text = (
            "Only the number, like 42 or 12.5. Leave it empty if nothing was measured since "
            "the last update."
        )
        self.fields["measured_on"].initial = timezone.localdate()

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("status")
        if status in EXPLAINED_STATUSES and not cleaned.get("status_reason", "").strip():
            self.add_error("status_reason", status_reason_missing(status))
        if "measured_value" not in self.fields:
            return cleaned
        text = cleaned.get("measured_value", "")
        cleaned["measured_value"] = None
        if not text:
            cleaned["measured_on"] = None
            return cleaned
        try:
            cleaned["measured_value"] = parse_measure_number(text, label="Value now")
        except ValidationError as exc:
            self.add_error("measured_value", exc)
        measured_on = cleaned.get("measured_on")
        if measured_on is None and "measured_on" not in self.errors:
            self.add_error("measured_on", "Enter the date the value was measured.")
        elif measured_on and measured_on > timezone.localdate():
            self.add_error("measured_on", "The date measured must be today or in the past.")
        return cleaned
