"""The public trust-pulse form: six ratings from 1 to 5 and an optional comment."""

from django import forms

from t2a.forms import T2AForm

from ..models import PULSE_COMMENT_MAX, PULSE_QUESTIONS, PULSE_SCALE

SCALE_WORDS = {1: "Not at all", 2: "A little", 3: "Partly", 4: "Mostly", 5: "Completely"}


class PulseForm(T2AForm):
    comment = forms.CharField(
        label="Anything else you want to tell us? (optional)",
        help_text="Please do not include your name or anyone else's.",
        required=False,
        max_length=PULSE_COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "max_length": "Keep your comment to 2,000 characters or fewer.",
            "null_characters_not_allowed": "Your comment contains a character we cannot save.",
        },
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = [(value, f"{value} – {SCALE_WORDS[value]}") for value in PULSE_SCALE]
        ratings = {}
        for q in PULSE_QUESTIONS:
            message = f"Choose a number from 1 to 5 for {q.label.lower()}."
            ratings[q.field] = forms.TypedChoiceField(
                label=q.label,
                help_text=q.explanation,
                choices=choices,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": message, "invalid_choice": message},
            )
        # The ratings first, in the questions' order, then the comment.
        self.fields = {**ratings, "comment": self.fields["comment"]}

    def ratings(self) -> dict[str, int]:
        return {q.field: self.cleaned_data[q.field] for q in PULSE_QUESTIONS}
