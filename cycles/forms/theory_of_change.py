"""The theory of change item form."""

from django import forms

from ..models import TheoryOfChangeItem


class TheoryOfChangeItemForm(forms.ModelForm):
    class Meta:
        model = TheoryOfChangeItem
        fields = ["kind", "text"]
        labels = {"kind": "Part of the theory of change", "text": "Text"}
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}
