"""The form that confirms a stakeholder's erasure."""

from django import forms

from t2a.forms import T2AForm


class StakeholderEraseForm(T2AForm):
    confirm_name = forms.CharField(
        label="Type the stakeholder's name to confirm",
        max_length=200,
        error_messages={
            "required": "Type the stakeholder's name exactly as shown.",
            "max_length": "Type the stakeholder's name exactly as shown.",
        },
        help_text="This removes their name, contact details and notes from every record, "
        "and their name from insight credited to them. It cannot be undone.",
    )
    understood = forms.BooleanField(
        label="I have downloaded their data if they asked for a copy, and I understand "
        "this cannot be undone",
        error_messages={
            "required": "Tick the box to confirm you understand this cannot be undone."
        },
    )
