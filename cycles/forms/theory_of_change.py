"""The theory of change item form."""

from django import forms

from t2a.forms import T2AModelForm

from ..models import TheoryOfChangeItem


class TheoryOfChangeItemForm(T2AModelForm):
    class Meta:
        model = TheoryOfChangeItem
        fields = ["kind", "text"]
        labels = {"kind": "Part of the theory of change", "text": "Text"}
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}
