"""The annual evaluation's form: one text area per section of `models.SECTIONS`."""

from django import forms

from t2a.forms import T2AModelForm

from ..models import EVALUATION_TEXT, SECTIONS, Evaluation


class EvaluationForm(T2AModelForm):
    class Meta:
        model = Evaluation
        fields = [s.field for s in SECTIONS]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for section in SECTIONS:
            field = self.fields[section.field]
            field.label = section.heading
            field.help_text = section.hint
            field.required = False
            field.max_length = EVALUATION_TEXT
            field.error_messages["max_length"] = (
                f"{section.heading} must be {EVALUATION_TEXT:,} characters or fewer "
                "(you have %(show_value)d)."
            )
            # The NHS.UK character count shows the limit as people type; this enforces it.
            field.widget = forms.Textarea(attrs={"rows": 6})

    def clean(self):
        cleaned = super().clean()
        for section in SECTIONS:
            value = cleaned.get(section.field)
            if isinstance(value, str):
                cleaned[section.field] = value.strip()
        return cleaned
