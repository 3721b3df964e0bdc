"""Forms for the stakeholder register. Row-choosing fields get their querysets in __init__,
inside the request's organisation scope."""

from decimal import Decimal

from django import forms
from django.core.validators import MaxLengthValidator

from t2a.models import Membership, Role, User

from .models import (
    PREPARATION_TEXT,
    TAG_FIELDS,
    AssetUse,
    Channel,
    CheckInKind,
    Commitment,
    Conversation,
    Kind,
    PaymentArrangement,
    RoleAgreement,
    Sector,
    SharedAsset,
    Stakeholder,
    SteeringGroupMember,
    TrainingRecord,
    TrainingTopic,
    TrustedTag,
)

ONE_TO_FIVE = [(n, str(n)) for n in range(1, 6)]
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def split_list(text: str) -> list[str]:
    """One entry per line or separated by semicolons, trimmed, without repeats."""
    seen: dict[str, None] = {}
    for part in text.replace(";", "\n").splitlines():
        part = " ".join(part.split())
        if part and part.casefold() not in {s.casefold() for s in seen}:
            seen[part] = None
    return list(seen)


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.full_name or obj.email


def members_of_organisation():
    return User.objects.filter(
        pk__in=Membership.objects.values("user_id"), is_active=True
    ).order_by("full_name", "email")


def staff_of_organisation():
    return User.objects.filter(
        pk__in=Membership.objects.filter(role__in=[Role.ADMIN, Role.ENGAGEMENT_LEAD]).values(
            "user_id"
        ),
        is_active=True,
    ).order_by("full_name", "email")


class StakeholderForm(forms.ModelForm):
    trusted_tags = forms.MultipleChoiceField(
        label="3Ts",
        choices=TrustedTag.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Choose any that apply.",
    )
    communities_text = forms.CharField(
        label="Communities reached",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One per line, in the words the cycle uses for its population groups.",
    )
    preferred_channels = forms.MultipleChoiceField(
        label="Preferred ways to get in touch",
        choices=Channel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    influence = forms.TypedChoiceField(
        choices=ONE_TO_FIVE,
        coerce=int,
        label="Influence (power)",
        help_text="1 is little influence over decisions, 5 is a great deal.",
    )
    interest = forms.TypedChoiceField(
        choices=ONE_TO_FIVE,
        coerce=int,
        label="Interest",
        help_text="1 is little interest in this work, 5 is very interested.",
    )
    relationship_strength = forms.TypedChoiceField(
        choices=ONE_TO_FIVE,
        coerce=int,
        label="Strength of relationship",
        help_text="1 is no relationship yet, 5 is a strong, trusting relationship.",
    )
    contact_owner = MemberChoiceField(
        queryset=User.objects.none(),
        required=False,
        label="Recorded contact",
        help_text="The member who holds this relationship. Besides admins and engagement "
        "leads, only they can see the contact details. Left empty, it is you.",
    )

    class Meta:
        model = Stakeholder
        fields = [
            "kind",
            "name",
            "sector",
            "influence",
            "interest",
            "relationship_strength",
            "preferred_channels",
            "languages",
            "access_needs",
            "notes",
            "email",
            "phone",
            "address",
            "consent_date",
            "consent_basis",
            "contact_owner",
        ]
        labels = {
            "kind": "Kind",
            "languages": "Languages",
            "access_needs": "Access needs",
            "email": "Email address",
            "phone": "Phone number",
            "consent_date": "Date consent was recorded",
            "consent_basis": "Basis for holding contact details",
        }
        help_texts = {
            "languages": "For example, English, Somali, British Sign Language.",
            "consent_date": "Needed before any contact detail can be saved.",
        }
        widgets = {
            "kind": forms.RadioSelect,
            "consent_date": DATE_INPUT,
            "access_needs": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "address": forms.Textarea(attrs={"rows": 3}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        }

    field_order = [
        "kind",
        "name",
        "sector",
        "trusted_tags",
        "communities_text",
        "influence",
        "interest",
        "relationship_strength",
        "preferred_channels",
        "languages",
        "access_needs",
        "notes",
        "email",
        "phone",
        "address",
        "consent_date",
        "consent_basis",
        "contact_owner",
    ]

    CONTACT_FIELDS = ("email", "phone", "address", "consent_date", "consent_basis", "contact_owner")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contact_owner"].queryset = members_of_organisation()
        self.fields["kind"].choices = Kind.choices
        if self.instance.pk:
            self.initial["trusted_tags"] = [
                tag for tag, name in TAG_FIELDS.items() if getattr(self.instance, name)
            ]
            self.initial["communities_text"] = "\n".join(self.instance.communities_reached)

    def main_fields(self):
        return [f for f in self if f.name not in self.CONTACT_FIELDS]

    def contact_fields(self):
        return [f for f in self if f.name in self.CONTACT_FIELDS]

    def build(self) -> Stakeholder:
        """The unsaved stakeholder with the form's values; `services.stakeholder_save` saves."""
        stakeholder = self.instance
        tags = set(self.cleaned_data["trusted_tags"])
        for tag, name in TAG_FIELDS.items():
            setattr(stakeholder, name, tag in tags)
        stakeholder.communities_reached = split_list(self.cleaned_data["communities_text"])
        stakeholder.preferred_channels = list(self.cleaned_data["preferred_channels"])
        return stakeholder


class StakeholderFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=100)
    sector = forms.ChoiceField(
        label="Sector", choices=[("", "Any sector"), *Sector.choices], required=False
    )
    tag = forms.ChoiceField(
        label="3Ts", choices=[("", "Any or none"), *TrustedTag.choices], required=False
    )
    cycle = forms.TypedChoiceField(label="Cycle", coerce=int, required=False, empty_value=None)
    influence = forms.TypedChoiceField(
        choices=[("", "Any"), *ONE_TO_FIVE], coerce=int, required=False, empty_value=None
    )
    interest = forms.TypedChoiceField(
        choices=[("", "Any"), *ONE_TO_FIVE], coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, cycles, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cycle"].choices = [("", "Any cycle")] + [(c.pk, c.title) for c in cycles]


class CycleLinkForm(forms.Form):
    cycle = forms.TypedChoiceField(label="Cycle", coerce=int)
    role = forms.CharField(
        label="Role in this cycle",
        max_length=120,
        required=False,
        help_text="For example, venue host, co-facilitator or funder.",
    )

    def __init__(self, *args, cycles, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cycle"].choices = [(c.pk, c.title) for c in cycles]


class CsvImportForm(forms.Form):
    MAX_BYTES = 1024 * 1024

    file = forms.FileField(
        label="CSV file",
        help_text="Up to 1 MB, saved from a spreadsheet as CSV (UTF-8). The first row must "
        "hold the column names.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith(".csv") or upload.content_type not in {
            "text/csv",
            "application/csv",
            "application/vnd.ms-excel",
            "text/plain",
        }:
            raise forms.ValidationError("The file must be a CSV file (ending in .csv).")
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError("The file must be smaller than 1 MB.")
        raw = upload.read(self.MAX_BYTES + 1)
        if len(raw) > self.MAX_BYTES:
            raise forms.ValidationError("The file must be smaller than 1 MB.")
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise forms.ValidationError(
                "The file is not UTF-8 text. In your spreadsheet, save it as “CSV UTF-8”."
            ) from exc


class CsvConfirmForm(forms.Form):
    content = forms.CharField(widget=forms.HiddenInput, max_length=CsvImportForm.MAX_BYTES)


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

    def __init__(self, *args, cycle, **kwargs) -> None:
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

    def __init__(self, *args, cycle, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = SteeringGroupMember.objects.filter(
            cycle=cycle
        ).select_related("stakeholder", "user")


class SteeringDecisionForm(forms.Form):
    text = forms.CharField(
        label="Decision", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class ConversationForm(forms.ModelForm):
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
            (c.pk, c.title) for c in cycles
        ]
        self.cycles = {c.pk: c for c in cycles}

    def clean_cycle(self):
        pk = self.cleaned_data["cycle"]
        return None if pk is None else self.cycles[pk]


class CommitmentForm(forms.ModelForm):
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


class CommitmentKeptForm(forms.Form):
    kept_on = forms.DateField(label="Date kept", widget=DATE_INPUT)


class CommitmentBrokenForm(forms.Form):
    reason = forms.CharField(
        label="Why it could not be kept", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class SharedAssetForm(forms.ModelForm):
    owner = forms.ModelChoiceField(
        queryset=Stakeholder.objects.none(),
        required=False,
        label="Offered by",
        help_text="The partner who offers it. Leave empty if it is your organisation's own.",
    )

    class Meta:
        model = SharedAsset
        fields = ["kind", "name", "description", "owner", "availability"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "kind": forms.RadioSelect}
        labels = {"owner": "Offered by"}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = Stakeholder.objects.filter(
            kind__in=[Kind.ORGANISATION, Kind.PLACE]
        ).order_by("name")
        self.fields["kind"].choices = SharedAsset._meta.get_field("kind").choices


class AssetUseForm(forms.ModelForm):
    used_by = forms.ModelChoiceField(queryset=Stakeholder.objects.none(), label="Used by")

    class Meta:
        model = AssetUse
        fields = ["used_by", "used_on", "purpose"]
        widgets = {"used_on": DATE_INPUT}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["used_by"].queryset = Stakeholder.objects.order_by("name")


# --- community-lead preparation -----------------------------------------------------------


class StakeholderEraseForm(forms.Form):
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


class RoleAgreementForm(forms.ModelForm):
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


class AgreementConfirmForm(forms.Form):
    side = forms.ChoiceField(choices=[("organisation", "organisation"), ("community_lead", "me")])
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class TrainingTopicForm(forms.Form):
    name = forms.CharField(label="Topic", max_length=120)


class LeadChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.full_name or obj.email


class TrainingRecordForm(forms.ModelForm):
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

    def __init__(self, *args, cycle, topics, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = TrainingTopic.objects.filter(
            pk__in=[t.pk for t in topics]
        ).order_by("name")
        self.fields["attendees"].queryset = cycle.community_leads.order_by("full_name", "email")
        self.fields["summary"].max_length = PREPARATION_TEXT
        self.fields["summary"].validators.append(MaxLengthValidator(PREPARATION_TEXT))


class CheckInForm(forms.Form):
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
