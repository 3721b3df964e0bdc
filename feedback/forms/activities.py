"""The form for a listening activity. Row-choosing fields get their querysets in __init__,
inside the request's organisation scope."""

from django import forms
from django.db.models import Q

from cycles.models import Cycle
from stakeholders.selectors.stakeholders import trusted_places
from t2a.forms import T2AModelForm
from t2a.models import Membership, Role, User

from ..models import EngagementActivity

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class PersonChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.full_name or obj.email


class VenueChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class ActivityForm(T2AModelForm):
    """An engagement activity, with one "reached" count per population group of the cycle."""

    facilitators = PersonChoiceField(
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The community leads of this cycle (and staff) who run it. Facilitators can "
        "record insight from it.",
    )
    venue = VenueChoiceField(
        queryset=None,  # set per request, inside the organisation scope
        required=False,
        label="Venue: a Trusted Place",
        empty_label="Not a Trusted Place",
        help_text="Places tagged Trusted Place in the stakeholder register.",
    )
    participants = forms.IntegerField(
        label="Number of participants",
        required=False,
        min_value=0,
        max_value=100_000,
        error_messages={
            "min_value": "The number of participants must be 0 or more.",
            "max_value": "The number of participants must be 100,000 or fewer.",
            "invalid": "Enter the number of participants as a whole number, like 12.",
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text="Once it has been held. Leave empty if you do not know.",
    )

    class Meta:
        model = EngagementActivity
        fields = [
            "title",
            "method",
            "held_on",
            "starts_at",
            "venue",
            "venue_text",
            "facilitators",
            "community_led",
            "languages",
            "access_adaptations",
            "record_consent_note",
            "status",
            "participants",
        ]
        labels = {
            "method": "Method",
            "held_on": "Date",
            "starts_at": "Start time (optional)",
            "venue_text": "Or type where it is",
            "community_led": "Community-led: run by community leads, not by staff",
            "languages": "Languages (optional)",
            "access_adaptations": "Access adaptations (optional)",
            "record_consent_note": "How consent to record was gathered (optional)",
        }
        help_texts = {
            "title": "For example, Tuesday pop-up at the Eastside library.",
            "venue_text": "If it is not a Trusted Place in the register, for example a "
            "participant's home or an online call.",
            "languages": "For example, English, Somali and Arabic.",
            "access_adaptations": "For example, step-free access, interpreter, childcare, "
            "travel paid, hearing loop.",
            "record_consent_note": "For example: we explained at the start how notes are used "
            "and everyone at the table agreed out loud. When this is filled in, insight "
            "recorded from this activity relies on it; otherwise each insight needs its own "
            "\u201cthey agreed to this being recorded\u201d tick.",
        }
        widgets = {
            "held_on": DATE_INPUT,
            "starts_at": TIME_INPUT,
            "access_adaptations": forms.Textarea(attrs={"rows": 3}),
            "record_consent_note": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "held_on": {"invalid": "Enter a real date, like 14 March 2026."},
            "starts_at": {"invalid": "Enter a time, like 14:30."},
        }

    def __init__(self, *args, cycle: Cycle, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.cycle = cycle
        self.fields["venue"].queryset = trusted_places(organisation=cycle.organisation).order_by(
            "name"
        )
        staff = Membership.objects.filter(role__in=[Role.ADMIN, Role.ENGAGEMENT_LEAD]).values(
            "user_id"
        )
        self.fields["facilitators"].queryset = (
            User.objects.filter(
                Q(pk__in=cycle.community_leads.values("pk")) | Q(pk__in=staff), is_active=True
            )
            .filter(pk__in=Membership.objects.values("user_id"))
            .order_by("full_name", "email")
        )
        self.reach_fields: list[tuple[str, str]] = []
        reach = self.instance.reach or {}
        for i, group in enumerate(cycle.population_groups or []):
            name = f"reach_{i}"
            self.fields[name] = forms.IntegerField(
                label=f"Participants from {group} (optional)",
                required=False,
                min_value=0,
                error_messages={
                    "min_value": f"The number reached for {group} must be 0 or more.",
                    "invalid": f"Enter the number reached for {group} as a whole number.",
                },
                initial=reach.get(group),
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )
            self.reach_fields.append((name, group))

    def main_fields(self):
        reach_names = {name for name, _ in self.reach_fields}
        return [self[name] for name in self.fields if name not in reach_names]

    def reach_bound_fields(self):
        return [self[name] for name, _ in self.reach_fields]

    def clean(self):
        cleaned = super().clean()
        participants = cleaned.get("participants")
        for name, group in self.reach_fields:
            count = cleaned.get(name)
            if count is None:
                continue
            if participants is None and "participants" not in self.errors:
                self.add_error(name, "Enter the number of participants before counting reach.")
            elif participants is not None and count > participants:
                self.add_error(
                    name,
                    f"The number reached for {group} ({count}) cannot be more than the "
                    f"{participants} participants.",
                )
        if cleaned.get("venue") and cleaned.get("venue_text"):
            self.add_error("venue_text", "Choose a Trusted Place or type a venue, not both.")
        return cleaned

    def reach(self) -> dict[str, int]:
        return {
            group: self.cleaned_data[name]
            for name, group in self.reach_fields
            if self.cleaned_data.get(name) is not None
        }
