"""Forms for cycles and their stage 1 documents.

Fields that choose people get their querysets in `__init__`, inside the request's scope,
so they only ever offer the organisation's own members.
"""

from django import forms
from django.utils import timezone

from t2a.models import Membership, Role, User

from .models import (
    INCLUSION_PROMPTS,
    LONG_TEXT,
    CaseForChange,
    ClosureItemKey,
    ClosureState,
    Cycle,
    CycleStatus,
    DataSource,
    EthicsLogEntry,
    InclusionPrompts,
    InequalityRow,
    Stage,
    TheoryOfChangeItem,
)

DATE_HINT = "For example, 15 3 2026 or use the date picker."
MAX_GROUPS = 20


def members_with_roles(*roles: Role) -> "forms.QuerySet[User]":
    memberships = Membership.objects.all()
    if roles:
        memberships = memberships.filter(role__in=roles)
    return User.objects.filter(pk__in=memberships.values("user_id")).order_by("full_name", "email")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user: User) -> str:
        return user.full_name or user.email


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user: User) -> str:
        return user.full_name or user.email


def long_text(label: str, *, required: bool = True, help_text: str = "", rows: int = 5):
    return forms.CharField(
        label=label,
        required=required,
        max_length=LONG_TEXT,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "max_length": f"{label.rstrip('?')} must be {LONG_TEXT:,} characters or fewer "
            "(it has %(show_value)d)."
        },
    )


def not_in_future(value, label: str):
    if value and value > timezone.localdate():
        raise forms.ValidationError(f"{label} must be today or in the past.")
    return value


class CycleForm(forms.ModelForm):
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


class CycleFilterForm(forms.Form):
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


class StageChangeForm(forms.Form):
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


class CaseForChangeForm(forms.ModelForm):
    inequality_addressed = long_text(
        "The inequality being addressed",
        help_text="What is unequal, for whom, and how large the gap is.",
    )
    most_affected = long_text(
        "Who is most affected and why",
        help_text="Name the groups and what drives the gap for them.",
    )
    local_insight = long_text(
        "Local insight summary",
        required=False,
        help_text="What local people, staff and partners have already told you. "
        "You can add this later; it is needed before the case for change counts as written.",
    )

    class Meta:
        model = CaseForChange
        fields = ["inequality_addressed", "most_affected", "local_insight"]


class AgreedOnForm(forms.Form):
    agreed_on = forms.DateField(label="Date agreed", widget=DateInput(), help_text=DATE_HINT)

    def clean_agreed_on(self):
        return not_in_future(self.cleaned_data["agreed_on"], "The date agreed")


class DataSourceForm(forms.ModelForm):
    class Meta:
        model = DataSource
        fields = ["kind", "title", "publisher", "published_on", "url", "key_figure"]
        labels = {"url": "Link", "key_figure": "Key figure"}
        help_texts = {
            "title": "For example, Leicester JSNA 2025: maternity chapter.",
            "key_figure": "The one number that matters here, with its unit.",
            "url": "Starting with https://",
        }
        widgets = {"published_on": DateInput()}

    def clean_published_on(self):
        return not_in_future(self.cleaned_data["published_on"], "The date published")


class InequalityRowForm(forms.ModelForm):
    class Meta:
        model = InequalityRow
        fields = [
            "dimension",
            "group",
            "indicator",
            "value",
            "comparator_value",
            "comparator_label",
            "source",
        ]
        labels = {"comparator_value": "Comparator value", "comparator_label": "Comparator"}
        help_texts = {
            "group": "For example, Black African, or most deprived decile.",
            "indicator": "For example, stillbirths per 1,000 births.",
            "source": "Which data source this figure comes from.",
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ("value", "comparator_value"):
            self.fields[name].min_value = 0
            self.fields[name].widget.attrs.update(min="0", step="any")
            self.fields[name].validators.append(_not_negative)


def _not_negative(value) -> None:
    if value is not None and value < 0:
        raise forms.ValidationError("Enter a value of 0 or more.")


class TheoryOfChangeItemForm(forms.ModelForm):
    class Meta:
        model = TheoryOfChangeItem
        fields = ["kind", "text"]
        labels = {"kind": "Part of the theory of change", "text": "Text"}
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}


class InclusionPromptsForm(forms.ModelForm):
    class Meta:
        model = InclusionPrompts
        fields = [field for field, _ in INCLUSION_PROMPTS]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, question in INCLUSION_PROMPTS:
            self.fields[name] = long_text(question, required=False, rows=4)


SCORE_CHOICES = [(n, str(n)) for n in range(1, 6)]


class EthicsLogEntryForm(forms.ModelForm):
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


class ClosureItemForm(forms.Form):
    """Record one step of the closure checklist."""

    state = forms.ChoiceField(
        label="Where is this step?",
        choices=[
            (ClosureState.DONE, "Done"),
            (ClosureState.EXPLAINED, "Not done, and I will explain why"),
            (ClosureState.NOT_YET, "Not yet"),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Say whether this step is done, not done with a reason, or not yet.",
            "invalid_choice": "Choose done, not done with a reason, or not yet.",
        },
    )
    note = long_text(
        "What was done, or why not",
        required=False,
        rows=4,
        help_text="Needed when the step was not done: say why, so governance can see the "
        "reason. Optional when it was done, for example who was thanked and how.",
    )

    def __init__(self, *args, key: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.key = key
        self.fields["state"].label = f"{ClosureItemKey(key).label}: where is this step?"

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("state") == ClosureState.EXPLAINED and not cleaned.get("note", "").strip():
            self.add_error("note", "Explain why this step was not done.")
        return cleaned


class NextIterationForm(forms.Form):
    title = forms.CharField(
        label="Title of the next iteration",
        max_length=200,
        help_text="For example, the same title with the year or iteration number.",
        error_messages={"required": "Enter a title for the next iteration."},
    )
    start_date = forms.DateField(
        label="Start date", required=False, widget=DateInput(), help_text=DATE_HINT
    )
