"""Forms for insight: quick capture, closure and the list's filter. Row-choosing fields get
their querysets in __init__, inside the request's organisation scope."""

from django import forms

from cycles.models import Cycle
from t2a.forms import T2AForm

from ..models import (
    QUOTE_MAX,
    SUMMARY_MAX,
    ClosureState,
    EngagementActivity,
    Insight,
    RecordConsent,
    Sensitivity,
)
from ..services.themes import theme_names_split


class ActivityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: EngagementActivity) -> str:
        label = f"{obj.title} ({obj.held_on:%-d %b})"
        if obj.record_consent_note.strip():
            label += " \u2013 consent to record noted"
        return label


class InsightForm(T2AForm):
    """Quick capture: one short form that works on a phone at a pop-up."""

    activity = ActivityChoiceField(
        queryset=None,  # set per request, inside the organisation scope
        label="Which activity was this?",
        required=False,
        error_messages={"invalid_choice": "Choose one of the activities in the list."},
    )
    summary = forms.CharField(
        label="What was said",
        max_length=SUMMARY_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="In your own words. Leave out names and details that could identify someone.",
        error_messages={
            "required": "Write what was said.",
            "max_length": f"What was said must be {SUMMARY_MAX:,} characters or fewer.",
        },
    )
    quote = forms.CharField(
        label="A quote (optional)",
        required=False,
        max_length=QUOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Anonymised: no names, places or details that could identify the speaker.",
        error_messages={
            "max_length": f"The quote must be {QUOTE_MAX:,} characters or fewer. Shorten it, "
            "or put the rest in \u201cwhat was said\u201d."
        },
    )
    record_consent = forms.BooleanField(
        label="They agreed to this being recorded",
        required=False,
        help_text="Ask before you write it down. Needed unless the activity notes how everyone "
        "there agreed (it says \u201cconsent to record noted\u201d in the list). Only insight "
        "they agreed to can be quoted on the public page.",
    )
    themes = forms.CharField(
        label="Themes (optional)",
        required=False,
        max_length=1000,
        help_text="Separate themes with commas. Start typing to see this cycle's themes; "
        "a new theme is added when you save.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "true"}),
        error_messages={"max_length": "Keep the themes under 1,000 characters in all."},
    )
    population_group = forms.ChoiceField(
        label="Which group is the speaker from? (optional)", required=False, choices=()
    )
    sensitive = forms.BooleanField(
        label="This is sensitive",
        required=False,
        help_text="Only engagement leads and admins will be able to see it.",
    )
    contributor_name = forms.CharField(
        label="Name to credit (optional)",
        required=False,
        max_length=150,
        help_text="Only if they want to be credited. Otherwise it shows as "
        "\u201ca community member\u201d.",
    )
    credit_consent = forms.BooleanField(label="They agreed to be credited by name", required=False)

    def __init__(self, *args, cycle: Cycle, activities, standalone: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.cycle = cycle
        field = self.fields["activity"]
        field.queryset = activities
        field.required = not standalone
        if standalone:
            field.empty_label = "Not from an activity"
            field.help_text = "Leave as it is for insight from elsewhere."
        else:
            field.empty_label = "Choose an activity"
            field.error_messages["required"] = "Choose the activity this insight came from."
        groups = cycle.population_groups or []
        if groups:
            self.fields["population_group"].choices = [("", "Not known"), *[(g, g) for g in groups]]
        else:
            del self.fields["population_group"]

    @classmethod
    def initial_for(cls, insight: Insight) -> dict:
        return {
            "activity": insight.activity_id,
            "summary": insight.summary,
            "quote": insight.quote,
            "themes": ", ".join(t.name for t in insight.themes.all()),
            "population_group": insight.population_group,
            "sensitive": insight.is_sensitive,
            "contributor_name": insight.contributor_name,
            "credit_consent": insight.credit_consent_at is not None,
            "record_consent": insight.record_consent == RecordConsent.IN_PERSON,
        }

    def theme_names(self) -> list[str]:
        return theme_names_split(self.cleaned_data.get("themes", ""))

    def apply_to(self, insight: Insight) -> Insight:
        data = self.cleaned_data
        insight.activity = data.get("activity")
        insight.summary = data["summary"]
        insight.quote = data.get("quote", "")
        insight.population_group = data.get("population_group", "")
        insight.sensitivity = Sensitivity.SENSITIVE if data.get("sensitive") else Sensitivity.NORMAL
        insight.contributor_name = data.get("contributor_name", "")
        return insight


class OutOfScopeForm(T2AForm):
    reason = forms.CharField(
        label="Why is this out of scope?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="This is shown with the insight, so people can see it was heard.",
        error_messages={"required": "Say why this insight is out of scope."},
    )


class InsightFilterForm(T2AForm):
    CLOSURE_CHOICES = [("", "Any"), *ClosureState.choices]
    closure = forms.ChoiceField(label="Answered?", choices=CLOSURE_CHOICES, required=False)
