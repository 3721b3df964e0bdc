"""Forms for conversations and the commitments made in them."""

from django import forms

from t2a.forms import T2AForm, T2AModelForm
from t2a.models import User

from ..models import Commitment, Conversation, Stakeholder
from ..selectors.members import staff_of_organisation
from .stakeholders import DATE_INPUT, MemberChoiceField


class ConversationForm(T2AModelForm):
    stakeholders = forms.ModelMultipleChoiceField(
        queryset=Stakeholder.objects.none(),
        label="Who was it with?",
        help_text="Hold Ctrl (or Cmd) to choose more than one.",
    )
    cycle = forms.TypedChoiceField(label="Cycle", coerce=int, required=False, empty_value=None)

    class Meta:
        model = Conversation
        fields = ["held_on", "stakeholders", "channel", "summary", "meaningful"]
        widgets = {"held_on": DATE_INPUT, "summary": forms.Textarea(attrs={"rows": 4})}
        labels = {"held_on": "Date", "channel": "How", "summary": "Summary"}

    def __init__(self, *args, cycles, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stakeholders"].queryset = Stakeholder.objects.filter(
            erased_at__isnull=True
        ).order_by("name")
        self.fields["stakeholders"].widget.attrs["size"] = 8
        self.fields["cycle"].choices = [("", "Not part of a cycle")] + [
            (c.pk, c.choice_label) for c in cycles
        ]
        self.cycles = {c.pk: c for c in cycles}

    def clean_cycle(self):
        pk = self.cleaned_data["cycle"]
        return None if pk is None else self.cycles[pk]


class CommitmentForm(T2AModelForm):
    made_to = forms.ModelChoiceField(queryset=Stakeholder.objects.none(), label="To whom")
    owner = MemberChoiceField(queryset=User.objects.none(), label="Who will keep it")

    class Meta:
        model = Commitment
        fields = ["promise", "made_to", "owner", "due_on"]
        widgets = {"due_on": DATE_INPUT, "promise": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, conversation: Conversation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["made_to"].queryset = conversation.stakeholders.order_by("name")
        self.fields["owner"].queryset = staff_of_organisation()


class CommitmentKeptForm(T2AForm):
    kept_on = forms.DateField(label="Date kept", widget=DATE_INPUT)


class CommitmentBrokenForm(T2AForm):
    reason = forms.CharField(
        label="Why it could not be kept", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
