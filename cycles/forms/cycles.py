"""Forms for a cycle itself: creating and editing it, filtering the list, changing stage."""

from django import forms

from t2a.forms import T2AForm, T2AModelForm
from t2a.models import Role, User

from ..models import Cycle, CycleStatus, Stage
from .fields import (
    DATE_HINT,
    DateInput,
    PeopleChoiceField,
    PersonChoiceField,
    long_text,
    members_with_roles,
)

MAX_GROUPS = 20


class CycleForm(T2AModelForm):
    population_groups = forms.CharField(
        label="Population groups in focus",
        required=False,
        max_length=2000,
        help_text="One group a line, in the words communities use. For example, "
        "Black African women or families in the most deprived decile.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    lead = PersonChoiceField(
        label="Engagement lead",
        queryset=User.objects.none(),
        required=False,
        empty_label="Not yet chosen",
    )
    community_leads = PeopleChoiceField(
        label="Community leads",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="They will see this cycle. Only members with the community lead role are listed.",
    )
    governance_members = PeopleChoiceField(
        label="Governance board members",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="They will be able to read this cycle.",
    )
    starting_notes = long_text(
        "Starting notes",
        required=False,
        rows=4,
        help_text="What to do differently this time. When a cycle is repeated, this starts "
        "with what the last iteration's annual evaluation says to adapt.",
    )

    class Meta:
        model = Cycle
        fields = [
            "title",
            "inequality",
            "place",
            "population_groups",
            "status",
            "start_date",
            "target_date",
            "lead",
            "community_leads",
            "governance_members",
            "starting_notes",
        ]
        labels = {
            "title": "Cycle title",
            "inequality": "Health inequality this cycle addresses",
            "place": "Place or area",
            "start_date": "Start date",
            "target_date": "Target date",
        }
        help_texts = {
            "status": "A cycle moves to closing before it closes. It can only close once "
            "every step of its closure checklist is done or explained.",
            "title": "For example, Maternity and neonatal services in Leicester.",
            "inequality": "One line. For example, Black women are almost four times more "
            "likely to die in pregnancy than white women.",
            "place": "For example, Leicester city, or the Highfields and Spinney Hills wards.",
            "start_date": DATE_HINT,
            "target_date": "When you aim to finish this cycle.",
        }
        widgets = {"start_date": DateInput(), "target_date": DateInput()}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = members_with_roles(Role.ADMIN, Role.ENGAGEMENT_LEAD)
        self.fields["community_leads"].queryset = members_with_roles(Role.COMMUNITY_LEAD)
        self.fields["governance_members"].queryset = members_with_roles(Role.GOVERNANCE)
        self.fields["status"].choices = CycleStatus.choices
        if self.instance.pk and not self.is_bound:
            self.initial["population_groups"] = "\n".join(self.instance.population_groups)

    def clean_population_groups(self) -> list[str]:
        groups = []
        for line in self.cleaned_data["population_groups"].splitlines():
            group = line.strip()
            if group and group not in groups:
                if len(group) > 150:
                    raise forms.ValidationError("Each group must be 150 characters or fewer.")
                groups.append(group)
        if len(groups) > MAX_GROUPS:
            raise forms.ValidationError(f"List at most {MAX_GROUPS} groups.")
        return groups

    def clean(self):
        cleaned = super().clean()
        start, target = cleaned.get("start_date"), cleaned.get("target_date")
        if start and target and target < start:
            self.add_error(
                "target_date", "The target date must be the same as or after the start date."
            )
        return cleaned


class CycleFilterForm(T2AForm):
    q = forms.CharField(label="Search", required=False, max_length=100)
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any status"), *CycleStatus.choices]
    )
    stage = forms.TypedChoiceField(
        label="Stage",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Any stage"), *[(s.value, f"{s.value}. {s.label}") for s in Stage]],
    )
    lead = PersonChoiceField(
        label="Engagement lead", queryset=User.objects.none(), required=False, empty_label="Anyone"
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = members_with_roles(Role.ADMIN, Role.ENGAGEMENT_LEAD)


YES_NO = [("yes", "Yes"), ("no", "No")]


class StageChangeForm(T2AForm):
    """Move a cycle one stage on or back.

    `from_stage` carries the stage the person saw, so two people moving the same cycle
    at once cannot skip a stage between them.
    """

    from_stage = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=5)
    reason = long_text("Reason", required=False, rows=4)
    inclusion_changed = forms.ChoiceField(
        label="Has anything changed in the answers to the inclusion prompts?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        required=False,
    )
    inclusion_note = long_text(
        "What has changed?",
        required=False,
        rows=3,
        help_text="Say who you have found is missing, less heard, or holds power now.",
    )

    def __init__(self, *args, advancing: bool, unmet: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.advancing = advancing
        self.unmet = unmet
        if advancing:
            self.fields["reason"].help_text = (
                "Some checklist items are not met. Say why the cycle should move on anyway. "
                "This is recorded with your name and shown on the cycle page."
                if unmet
                else "Optional. Recorded with your name and shown on the cycle page."
            )
        else:
            self.fields["reason"].help_text = "Say why the cycle is going back a stage."
            del self.fields["inclusion_changed"]
            del self.fields["inclusion_note"]

    def clean(self):
        cleaned = super().clean()
        if self.advancing:
            if self.unmet and not cleaned.get("reason"):
                self.add_error(
                    "reason", "Give a reason for moving on with checklist items not met."
                )
            changed = cleaned.get("inclusion_changed")
            if not changed:
                self.add_error(
                    "inclusion_changed",
                    "Say whether anything has changed in the inclusion prompts.",
                )
            elif changed == "yes" and not cleaned.get("inclusion_note"):
                self.add_error("inclusion_note", "Say what has changed.")
        elif not cleaned.get("reason"):
            self.add_error("reason", "Give a reason for going back a stage.")
        return cleaned
