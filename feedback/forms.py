"""Forms for listening. Row-choosing fields get their querysets in __init__, inside the
request's organisation scope."""

from django import forms
from django.db.models import Q

from actions.models import Action, ProgressUpdate
from cycles.models import Cycle
from stakeholders.selectors import trusted_places
from t2a.models import Membership, Role, User

from .models import (
    QUOTE_MAX,
    SUMMARY_MAX,
    Channel,
    EngagementActivity,
    Insight,
    PublicPage,
    ReportBack,
    Sensitivity,
    Theme,
)
from .services import theme_names_split

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class PersonChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.full_name or obj.email


class VenueChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class ActivityForm(forms.ModelForm):
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
        }
        help_texts = {
            "title": "For example, Tuesday pop-up at the Eastside library.",
            "venue_text": "If it is not a Trusted Place in the register, for example a "
            "participant's home or an online call.",
            "languages": "For example, English, Somali and Arabic.",
            "access_adaptations": "For example, step-free access, interpreter, childcare, "
            "travel paid, hearing loop.",
        }
        widgets = {
            "held_on": DATE_INPUT,
            "starts_at": TIME_INPUT,
            "access_adaptations": forms.Textarea(attrs={"rows": 3}),
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


class ActivityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: EngagementActivity) -> str:
        return f"{obj.title} ({obj.held_on:%-d %b})"


class InsightForm(forms.Form):
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


class OutOfScopeForm(forms.Form):
    reason = forms.CharField(
        label="Why is this out of scope?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="This is shown with the insight, so people can see it was heard.",
        error_messages={"required": "Say why this insight is out of scope."},
    )


class ThemeMergeForm(forms.Form):
    target = forms.ModelChoiceField(
        queryset=None,  # set per request, inside the organisation scope
        label="Merge into",
        empty_label="Choose a theme",
        error_messages={
            "required": "Choose the theme to merge into.",
            "invalid_choice": "Choose one of this cycle's themes.",
        },
    )

    def __init__(self, *args, theme: Theme, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = Theme.objects.filter(cycle_id=theme.cycle_id).exclude(
            pk=theme.pk
        )


class InsightFilterForm(forms.Form):
    CLOSURE_CHOICES = [
        ("", "Any"),
        ("unanswered", "Unanswered"),
        ("answered", "Answered"),
        ("out_of_scope", "Out of scope"),
    ]
    closure = forms.ChoiceField(label="Answered?", choices=CLOSURE_CHOICES, required=False)


# --- report-backs and the public page -----------------------------------------------------


def live_reading_ease(field: forms.Field, *, url: str, name: str) -> None:
    """Score the text as it is typed: htmx posts the draft (with the form's CSRF token,
    which htmx sends along for a POST from inside a form) and swaps in the score."""
    field.widget.attrs.update(
        {
            "hx-post": url,
            "hx-trigger": "keyup changed delay:800ms",
            "hx-target": f"#{name}-readability",
            "hx-swap": "outerHTML",
            "hx-vals": f'{{"field": "{name}"}}',
            "hx-sync": "this:replace",
        }
    )


class InsightChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Insight) -> str:
        label = obj.summary if len(obj.summary) <= 140 else obj.summary[:139] + "\u2026"
        if obj.is_sensitive:
            label += " (sensitive: never shown in public)"
        return label


class UpdateChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: ProgressUpdate) -> str:
        narrative = obj.narrative if len(obj.narrative) <= 100 else obj.narrative[:99] + "\u2026"
        return f"{obj.action.title}, {obj.created_at:%-d %b %Y}: {narrative}"


class ReportBackForm(forms.ModelForm):
    """A report-back: the text, "you said" (insight, themes), "we did" (actions, updates),
    and how and to whom it went."""

    insights = InsightChoiceField(
        queryset=None,  # set per request, inside the organisation scope
        required=False,
        label="Insight this answers",
        widget=forms.CheckboxSelectMultiple,
        help_text="Publishing marks the insight you choose as answered.",
        error_messages={
            "invalid_choice": "Choose insight from the list.",
            "invalid_pk_value": "Choose insight from the list.",
        },
    )
    themes = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        label="Themes this answers (optional)",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "Choose themes from the list.",
            "invalid_pk_value": "Choose themes from the list.",
        },
    )
    actions = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        label="Actions this reports (optional)",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "Choose actions from the list.",
            "invalid_pk_value": "Choose actions from the list.",
        },
    )
    progress_updates = UpdateChoiceField(
        queryset=None,
        required=False,
        label="Progress updates this reports (optional)",
        widget=forms.CheckboxSelectMultiple,
        help_text="Only updates marked to share with the public are listed.",
        error_messages={
            "invalid_choice": "Choose progress updates from the list.",
            "invalid_pk_value": "Choose progress updates from the list.",
        },
    )
    channels = forms.MultipleChoiceField(
        choices=Channel.choices,
        required=False,
        label="Channels used",
        widget=forms.CheckboxSelectMultiple,
        help_text="How you told people, or will. You need at least one to publish.",
        error_messages={"invalid_choice": "Choose channels from the list."},
    )

    class Meta:
        model = ReportBack
        fields = ["title", "body", "channels", "other_channel", "audience"]
        labels = {
            "body": "What you want to tell people",
            "other_channel": "Other channel (if you chose other)",
            "audience": "Who it is for (optional)",
        }
        help_texts = {
            "title": "For example, What you told us about evening clinics.",
            "body": "Plain English: short sentences and everyday words. Say what people told "
            "you, what has changed and what happens next.",
            "audience": "For example, families who came to the cafés in Highfields.",
        }
        widgets = {"body": forms.Textarea(attrs={"rows": 10})}
        error_messages = {
            "title": {
                "required": "Give the report-back a title.",
                "max_length": "The title must be 200 characters or fewer.",
            },
            "body": {
                "required": "Write what you want to tell people.",
                "max_length": "The report-back must be 10,000 characters or fewer.",
            },
        }

    field_order = [
        "title",
        "body",
        "insights",
        "themes",
        "actions",
        "progress_updates",
        "channels",
        "other_channel",
        "audience",
    ]

    def __init__(self, *args, cycle: Cycle, reading_ease_url: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.cycle = cycle
        self.fields["insights"].queryset = Insight.objects.filter(cycle=cycle).order_by(
            "-captured_at", "-pk"
        )
        self.fields["themes"].queryset = Theme.objects.filter(cycle=cycle)
        self.fields["actions"].queryset = Action.objects.filter(plan__cycle=cycle).order_by(
            "title", "pk"
        )
        self.fields["progress_updates"].queryset = (
            ProgressUpdate.objects.filter(action__plan__cycle=cycle, public=True)
            .select_related("action")
            .order_by("-created_at", "-pk")
        )
        if self.instance.pk:
            for name in ("insights", "themes", "actions", "progress_updates"):
                self.initial.setdefault(
                    name, list(getattr(self.instance, name).values_list("pk", flat=True))
                )
        live_reading_ease(self.fields["body"], url=reading_ease_url, name="body")

    def apply_to(self, report_back: ReportBack) -> ReportBack:
        report_back.channels = list(self.cleaned_data.get("channels") or [])
        return report_back

    def related(self) -> dict:
        return {
            name: self.cleaned_data.get(name) or []
            for name in ("insights", "themes", "actions", "progress_updates")
        }


class PublicPageForm(forms.ModelForm):
    class Meta:
        model = PublicPage
        fields = ["summary", "how_to_get_involved", "enabled"]
        labels = {
            "summary": "The inequality, in one paragraph",
            "how_to_get_involved": "How people can get involved",
            "enabled": "Show the public page: anyone with the link can read it, without signing in",
        }
        help_texts = {
            "summary": "Who is affected, where, and why it matters. Plain English, no names.",
            "how_to_get_involved": "Where and when people can come and talk to you, or how "
            "to contact you. Use a shared inbox or phone line, not a person's own details.",
        }
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 5}),
            "how_to_get_involved": forms.Textarea(attrs={"rows": 4}),
        }
        error_messages = {
            "summary": {"max_length": "Keep the paragraph to 2,000 characters or fewer."},
            "how_to_get_involved": {"max_length": "Keep this to 2,000 characters or fewer."},
        }

    def __init__(self, *args, reading_ease_url: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Required only to switch the page on: the service says so with a clear message.
        self.fields["summary"].required = False
        self.fields["how_to_get_involved"].required = False
        live_reading_ease(self.fields["summary"], url=reading_ease_url, name="summary")
        live_reading_ease(
            self.fields["how_to_get_involved"], url=reading_ease_url, name="how_to_get_involved"
        )
