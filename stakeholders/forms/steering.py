"""Forms for steering groups: a seat, a meeting and a decision."""

from django import forms

from cycles.models import Cycle
from t2a.models import User

from ..models import Sector, Stakeholder, SteeringGroupMember
from ..selectors.members import members_of_organisation
from .stakeholders import DATE_INPUT, MemberChoiceField


class SteeringMemberForm(forms.Form):
    stakeholder = forms.ModelChoiceField(
        queryset=Stakeholder.objects.none(),
        required=False,
        label="Stakeholder",
        help_text="Someone on this cycle's map.",
    )
    user = MemberChoiceField(
        queryset=User.objects.none(),
        required=False,
        label="Or a member of your organisation",
    )
    sector = forms.ChoiceField(
        label="Sector they represent", choices=[("", "Choose a sector"), *Sector.choices]
    )
    role = forms.CharField(label="Role on the group", max_length=120, required=False)

    def __init__(self, *args, cycle: Cycle, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stakeholder"].queryset = Stakeholder.objects.filter(
            cycle_links__cycle=cycle
        ).order_by("name")
        self.fields["user"].queryset = members_of_organisation()

    def clean(self):
        cleaned = super().clean()
        if not self.errors and bool(cleaned.get("stakeholder")) == bool(cleaned.get("user")):
            self.add_error(
                "stakeholder", "Choose either a stakeholder or a member of your organisation."
            )
        return cleaned


class SteeringMeetingForm(forms.Form):
    held_on = forms.DateField(label="Date", widget=DATE_INPUT)
    starts_at = forms.TimeField(
        label="Start time",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    attendees = forms.ModelMultipleChoiceField(
        queryset=SteeringGroupMember.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    agenda = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)
    minutes = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), required=False)

    def __init__(self, *args, cycle: Cycle, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = SteeringGroupMember.objects.filter(
            cycle=cycle
        ).select_related("stakeholder", "user")


class SteeringDecisionForm(forms.Form):
    text = forms.CharField(
        label="Decision", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
