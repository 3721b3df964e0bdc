"""Forms for the register: a stakeholder, the register's filters and a stakeholder's cycles.

Row-choosing fields get their querysets in __init__, inside the request's organisation
scope; the other form modules share this one's widgets and member field.
"""

from django import forms

from t2a.forms import T2AForm, T2AModelForm
from t2a.models import User

from ..models import (
    STAKEHOLDER_FIELDS,
    TAG_FIELDS,
    Channel,
    Kind,
    NamingOutput,
    Sector,
    Stakeholder,
    TrustedTag,
)
from ..selectors.members import members_of_organisation

ONE_TO_FIVE = [(n, str(n)) for n in range(1, 6)]
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

# Fields of STAKEHOLDER_FIELDS that the stakeholder form edits through a field of its own
# (set from it in `StakeholderForm.build`): the 3Ts as one set of boxes, the communities
# reached as lines of text.
EDITED_THROUGH = {
    **{name: "trusted_tags" for name in TAG_FIELDS.values()},
    **{output.value: "naming_outputs" for output in NamingOutput},
    "communities_reached": "communities_text",
}


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


class StakeholderForm(T2AModelForm):
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
    naming_outputs = forms.MultipleChoiceField(
        label="Where they agreed to be named",
        choices=NamingOutput.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave both empty if they have not agreed, or have taken their consent "
        "back: a person is then counted, never named.",
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
        fields = [name for name in STAKEHOLDER_FIELDS if name not in EDITED_THROUGH]
        labels = {
            "kind": "Kind",
            "languages": "Languages",
            "access_needs": "Access needs",
            "email": "Email address",
            "phone": "Phone number",
            "consent_date": "Date consent was recorded",
            "consent_basis": "Basis for holding contact details",
            "naming_consent_given_by": "Who gave consent to be named",
            "naming_consent_date": "Date consent to be named was given",
        }
        help_texts = {
            "languages": "For example, English, Somali, British Sign Language.",
            "consent_date": "Needed before any contact detail can be saved.",
            "naming_consent_given_by": "The person themselves, or who agreed for them "
            "(for example, their parent or carer).",
        }
        widgets = {
            "kind": forms.RadioSelect,
            "consent_date": DATE_INPUT,
            "naming_consent_date": DATE_INPUT,
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
        "naming_outputs",
        "naming_consent_given_by",
        "naming_consent_date",
    ]

    CONTACT_FIELDS = ("email", "phone", "address", "consent_date", "consent_basis", "contact_owner")
    NAMING_FIELDS = ("naming_outputs", "naming_consent_given_by", "naming_consent_date")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contact_owner"].queryset = members_of_organisation()
        self.fields["kind"].choices = Kind.choices
        if self.instance.pk:
            self.initial["trusted_tags"] = [
                tag for tag, name in TAG_FIELDS.items() if getattr(self.instance, name)
            ]
            self.initial["communities_text"] = "\n".join(self.instance.communities_reached)
            self.initial["naming_outputs"] = [
                output for output in NamingOutput if getattr(self.instance, output.value)
            ]

    def main_fields(self):
        return [f for f in self if f.name not in (*self.CONTACT_FIELDS, *self.NAMING_FIELDS)]

    def contact_fields(self):
        return [f for f in self if f.name in self.CONTACT_FIELDS]

    def naming_fields(self):
        return [f for f in self if f.name in self.NAMING_FIELDS]

    def build(self) -> Stakeholder:
        """The unsaved stakeholder with the form's values; `stakeholder_save` saves it."""
        stakeholder = self.instance
        tags = set(self.cleaned_data["trusted_tags"])
        for tag, name in TAG_FIELDS.items():
            setattr(stakeholder, name, tag in tags)
        stakeholder.communities_reached = split_list(self.cleaned_data["communities_text"])
        outputs = set(self.cleaned_data["naming_outputs"])
        for output in NamingOutput:
            setattr(stakeholder, output.value, output in outputs)
        stakeholder.preferred_channels = list(self.cleaned_data["preferred_channels"])
        return stakeholder


class StakeholderFilterForm(T2AForm):
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
        self.fields["cycle"].choices = [("", "Any cycle")] + [
            (c.pk, c.choice_label) for c in cycles
        ]

    def search_terms(self) -> dict:
        """The cleaned filters as `selectors.stakeholders.stakeholder_search` takes them."""
        f = self.cleaned_data
        return {
            "query": f["q"].strip(),
            "sector": f["sector"],
            "tag": f["tag"],
            "cycle_pk": f["cycle"],
            "influence": f["influence"],
            "interest": f["interest"],
        }


class CycleLinkForm(T2AForm):
    cycle = forms.TypedChoiceField(label="Cycle", coerce=int)
    role = forms.CharField(
        label="Role in this cycle",
        max_length=120,
        required=False,
        help_text="For example, venue host, co-facilitator or funder.",
    )

    def __init__(self, *args, cycles, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cycle"].choices = [(c.pk, c.choice_label) for c in cycles]


class StakeholderTickField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Stakeholder) -> str:
        return obj.name


class CycleStakeholdersAddForm(T2AForm):
    """Tick stakeholders already on the register to put them on a cycle's map together."""

    stakeholders = StakeholderTickField(
        queryset=Stakeholder.objects.none(),  # set per request: the candidates
        label="Stakeholders to add",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Tick at least one stakeholder to add to this cycle.",
            "invalid_choice": "Tick only stakeholders from the list.",
            "invalid_pk_value": "Tick only stakeholders from the list.",
        },
    )
    role = forms.CharField(
        label="Their role in this cycle (optional)",
        max_length=120,
        required=False,
        help_text="The same for everyone ticked. For example, venue host or co-facilitator.",
        error_messages={"max_length": "Keep the role to 120 characters or fewer."},
    )

    def __init__(self, *args, candidates, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stakeholders"].queryset = candidates


class SameNameForm(T2AForm):
    """Asked when a new stakeholder's name matches one already on the register."""

    same_name_confirmed = forms.BooleanField(
        label="This is a different person or organisation: add them anyway",
        required=False,
    )
