"""Forms for steering groups: a seat, a meeting, a decision and who may read them."""

from django import forms

from cycles.models import Cycle
from t2a.forms import T2AForm
from t2a.models import User

from ..models import Confidentiality, Sector, Stakeholder, SteeringGroupMember
from ..selectors.members import members_of_organisation
from .stakeholders import DATE_INPUT, MemberChoiceField


class SteeringMemberForm(T2AForm):
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
    is_chair = forms.BooleanField(
        label="They chair the group",
        required=False,
        help_text="The chair, with the cycle's engagement lead, decides who may read each "
        "meeting's record and each decision. A group has one chair.",
    )

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


LEVEL_HELP = (
    "Steering-group members only: the cycle's engagement lead and the members of "
    "the organisation who sit on the group. The organisation: everyone who can open "
    "this steering group. May be summarised publicly: also in the reports for boards "
    "and partners."
)


def level_field(label: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=Confidentiality.choices,
        initial=Confidentiality.MEMBERS,
        widget=forms.RadioSelect,
        help_text=LEVEL_HELP,
    )


class ConfidentialityForm(T2AForm):
    """Who may read a meeting's record or a decision, changed on its own (the chair's
    way in, and one per decision on the meeting page)."""

    confidentiality = forms.ChoiceField(label="Who may read this", choices=Confidentiality.choices)


class SteeringMeetingForm(T2AForm):
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
    confidentiality = level_field("Who may read the agenda, minutes and attendees")

    def __init__(self, *args, cycle: Cycle, may_set_level: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = SteeringGroupMember.objects.filter(
            cycle=cycle
        ).select_related("stakeholder", "user")
        if not may_set_level:
            # Only the cycle's engagement lead and the chair decide; others keep the level.
            del self.fields["confidentiality"]


class SteeringDecisionForm(T2AForm):
    text = forms.CharField(
        label="Decision", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    confidentiality = level_field("Who may read this decision")

    def __init__(self, *args, may_set_level: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not may_set_level:
            del self.fields["confidentiality"]
