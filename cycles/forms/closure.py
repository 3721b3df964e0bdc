"""Forms for responsible closure and starting the next iteration."""

from django import forms

from t2a.forms import T2AForm

from ..models import ClosureItemKey, ClosureState
from .fields import DATE_HINT, DateInput, long_text


class ClosureItemForm(T2AForm):
    """Record one step of the closure checklist."""

    state = forms.ChoiceField(
        label="Where is this step?",
        choices=[
            (ClosureState.DONE, "Done"),
            (ClosureState.EXPLAINED, "Not done, and I will explain why"),
            (ClosureState.NOT_YET, "Not yet"),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Say whether this step is done, not done with a reason, or not yet.",
            "invalid_choice": "Choose done, not done with a reason, or not yet.",
        },
    )
    note = long_text(
        "What was done, or why not",
        required=False,
        rows=4,
        help_text="Needed when the step was not done: say why, so governance can see the "
        "reason. Optional when it was done, for example who was thanked and how.",
    )

    def __init__(self, *args, key: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.key = key
        self.fields["state"].label = f"{ClosureItemKey(key).label}: where is this step?"

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("state") == ClosureState.EXPLAINED and not cleaned.get("note", "").strip():
            self.add_error("note", "Explain why this step was not done.")
        return cleaned


class NextIterationForm(T2AForm):
    title = forms.CharField(
        label="Title of the next iteration",
        max_length=200,
        help_text="For example, the same title with the year or iteration number.",
        error_messages={"required": "Enter a title for the next iteration."},
    )
    start_date = forms.DateField(
        label="Start date", required=False, widget=DateInput(), help_text=DATE_HINT
    )
