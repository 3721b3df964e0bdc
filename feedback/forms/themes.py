"""The form that merges one theme into another of the same cycle."""

from django import forms

from t2a.forms import T2AForm

from ..models import Theme


class ThemeMergeForm(T2AForm):
    target = forms.ModelChoiceField(
        queryset=None,  # set per request, inside the organisation scope
        label="Merge into",
        empty_label="Choose a theme",
        error_messages={
            "required": "Choose the theme to merge into.",
            "invalid_choice": "Choose one of this cycle's themes.",
        },
    )

    def __init__(self, *args, theme: Theme, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = Theme.objects.filter(cycle_id=theme.cycle_id).exclude(
            pk=theme.pk
        )
