"""Forms for community-lead preparation (stage 2): agreements, training and check-ins."""

from decimal import Decimal

from django import forms
from django.core.validators import MaxLengthValidator

from cycles.models import Cycle
from t2a.forms import T2AForm, T2AModelForm
from t2a.models import User

from ..models import (
    PREPARATION_TEXT,
    Channel,
    CheckInKind,
    PaymentArrangement,
    RoleAgreement,
    TrainingRecord,
    TrainingTopic,
)
from .stakeholders import DATE_INPUT


class RoleAgreementForm(T2AModelForm):
    channels = forms.MultipleChoiceField(
        label="How they prefer to be contacted",
        choices=Channel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    hours_per_month = forms.DecimalField(
        label="Expected hours a month",
        max_digits=4,
        decimal_places=1,
        help_text="A number from 0.5 to 200, for example 8 or 12.5.",
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        error_messages={
            "invalid": "Enter the expected hours a month as a number, like 8 or 12.5.",
            "max_decimal_places": "Enter hours to one decimal place at most, like 12.5.",
            "max_digits": "Enter a number from 0.5 to 200.",
            "max_whole_digits": "Enter a number from 0.5 to 200.",
        },
    )

    class Meta:
        model = RoleAgreement
        fields = [
            "role",
            "hours_per_month",
            "channels",
            "communication_notes",
            "boundaries",
            "payment_arrangement",
            "payment_details",
        ]
        labels = {"communication_notes": "Anything else about keeping in touch"}
        help_texts = {
            "role": "For example, co-facilitator of listening cafés in Highfields.",
            "communication_notes": "For example, WhatsApp after 6pm, never on Fridays.",
            "boundaries": "What they will and will not do, and topics they would rather not cover.",
            "payment_details": "The rate, what expenses are covered and how to claim them.",
        }
        widgets = {
            "communication_notes": forms.Textarea(attrs={"rows": 2}),
            "boundaries": forms.Textarea(attrs={"rows": 4}),
            "payment_details": forms.Textarea(attrs={"rows": 3}),
            "payment_arrangement": forms.RadioSelect,
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["payment_arrangement"].choices = PaymentArrangement.choices
        for name in ("communication_notes", "boundaries", "payment_details"):
            self.fields[name].max_length = PREPARATION_TEXT
            self.fields[name].validators.append(MaxLengthValidator(PREPARATION_TEXT))

    def clean_hours_per_month(self):
        hours = self.cleaned_data["hours_per_month"]
        if hours is not None and not Decimal("0.5") <= hours <= 200:
            raise forms.ValidationError("Enter a number of hours from 0.5 to 200.")
        return hours


class AgreementConfirmForm(T2AForm):
    side = forms.ChoiceField(choices=[("organisation", "organisation"), ("community_lead", "me")])
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class TrainingTopicForm(T2AForm):
    name = forms.CharField(label="Topic", max_length=120)


class LeadChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.full_name or obj.email


class TrainingRecordForm(T2AModelForm):
    topic = forms.ModelChoiceField(queryset=TrainingTopic.objects.none(), label="Topic")
    attendees = LeadChoiceField(
        queryset=User.objects.none(),
        label="Community leads who attended",
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = TrainingRecord
        fields = ["topic", "held_on", "attendees", "other_attendees", "summary"]
        widgets = {"held_on": DATE_INPUT, "summary": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"other_attendees": "Optional. For example, 4 volunteers from Al-Noor."}

    def __init__(self, *args, cycle: Cycle, topics: list[TrainingTopic], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = TrainingTopic.objects.filter(
            pk__in=[t.pk for t in topics]
        ).order_by("name")
        self.fields["attendees"].queryset = cycle.community_leads.order_by("full_name", "email")
        self.fields["summary"].max_length = PREPARATION_TEXT
        self.fields["summary"].validators.append(MaxLengthValidator(PREPARATION_TEXT))


class CheckInForm(T2AForm):
    kind = forms.ChoiceField(
        label="Kind of check-in", choices=CheckInKind.choices, widget=forms.RadioSelect
    )
    held_on = forms.DateField(label="Date", widget=DATE_INPUT)
    notes = forms.CharField(
        label="Notes",
        required=False,
        max_length=PREPARATION_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Private: only staff and the community lead can read them.",
    )
    next_due_on = forms.DateField(
        label="Next check-in due",
        required=False,
        widget=DATE_INPUT,
        help_text="We remind you when it is due. Leave empty if no more check-ins are planned.",
    )
