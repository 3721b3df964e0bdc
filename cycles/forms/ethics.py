"""The ethics log entry form."""

from django import forms

from t2a.forms import T2AModelForm
from t2a.models import User

from ..models import LONG_TEXT, EthicsLogEntry
from .fields import DateInput, PersonChoiceField, members_with_roles

SCORE_CHOICES = [(n, str(n)) for n in range(1, 6)]


class EthicsLogEntryForm(T2AModelForm):
    likelihood = forms.TypedChoiceField(
        label="Likelihood",
        coerce=int,
        choices=[
            (1, "1 – rare"),
            (2, "2 – unlikely"),
            (3, "3 – possible"),
            (4, "4 – likely"),
            (5, "5 – almost certain"),
        ],
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose a likelihood from 1 to 5."},
    )
    impact = forms.TypedChoiceField(
        label="Impact",
        coerce=int,
        choices=[
            (1, "1 – minor"),
            (2, "2 – moderate"),
            (3, "3 – serious"),
            (4, "4 – major"),
            (5, "5 – severe"),
        ],
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose an impact from 1 to 5."},
    )
    owner = PersonChoiceField(
        label="Owner", queryset=User.objects.none(), required=False, empty_label="No owner yet"
    )

    class Meta:
        model = EthicsLogEntry
        fields = [
            "consideration",
            "category",
            "affected_groups",
            "likelihood",
            "impact",
            "mitigation",
            "owner",
            "status",
            "review_date",
        ]
        labels = {"affected_groups": "Groups affected", "review_date": "Review date"}
        help_texts = {
            "consideration": "What could harm or disadvantage people taking part.",
            "mitigation": "What you will do to reduce the risk. Open entries need one before the "
            "ethics log counts as ready.",
            "review_date": "When the owner should look at this again.",
        }
        widgets = {
            "consideration": forms.Textarea(attrs={"rows": 3}),
            "mitigation": forms.Textarea(attrs={"rows": 3}),
            "review_date": DateInput(),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = members_with_roles()
        for name in ("consideration", "mitigation"):
            label = self.fields[name].label
            self.fields[name].error_messages["max_length"] = (
                f"{label} must be {LONG_TEXT:,} characters or fewer (it has %(show_value)d)."
            )
