"""Fields and widgets shared by the app's forms."""

from django import forms

from t2a.models import User

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def rows(n: int) -> forms.Textarea:
    """A text area `n` rows high."""
    return forms.Textarea(attrs={"rows": n})


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.full_name or obj.email
