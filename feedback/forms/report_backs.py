"""The report-back form: "you said" (insight, themes), "we did" (one field per kind that
later stages register) and how and to whom it went. Row-choosing fields get their
querysets in __init__, inside the request's organisation scope."""

from django import forms

from cycles.models import Cycle
from t2a.forms import T2AModelForm

from ..models import Channel, Insight, ReportBack, Theme
from ..selectors.report_backs import report_back_links
from .reading_ease import live_reading_ease


class InsightChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Insight) -> str:
        label = obj.summary if len(obj.summary) <= 140 else obj.summary[:139] + "\u2026"
        if obj.is_sensitive:
            label += " (sensitive: never shown in public)"
        return label


class ReportBackForm(T2AModelForm):
    """A report-back: the text, "you said" (insight, themes), "we did" (one field per kind
    that later stages register: selectors.report_backs.REPORT_BACK_LINK), and how and to whom
    it went."""

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

    # The "we did" fields go between the themes and the channels.
    field_order = ["title", "body", "insights", "themes", "channels", "other_channel", "audience"]

    def __init__(self, *args, cycle: Cycle, reading_ease_url: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.cycle = cycle
        self.fields["insights"].queryset = Insight.objects.filter(cycle=cycle).order_by(
            "-captured_at", "-pk"
        )
        self.fields["themes"].queryset = Theme.objects.filter(cycle=cycle)
        self.links = report_back_links()
        for link in self.links:
            self.fields[link.name] = link.field(cycle)
        names = [link.name for link in self.links]
        at = self.field_order.index("channels")
        self.order_fields([*self.field_order[:at], *names, *self.field_order[at:]])
        if self.instance.pk:
            for name in ("insights", "themes"):
                self.initial.setdefault(
                    name, list(getattr(self.instance, name).values_list("pk", flat=True))
                )
            for link in self.links:
                self.initial.setdefault(link.name, link.chosen(self.instance))
        live_reading_ease(self.fields["body"], url=reading_ease_url, name="body")

    def we_did(self) -> list[dict]:
        """Each "we did" field, or what to say when the cycle has nothing to offer for it."""
        return [
            {
                "field": self[link.name],
                "offered": self.fields[link.name].queryset.exists(),
                "none_to_choose": link.none_to_choose,
            }
            for link in self.links
        ]

    def apply_to(self, report_back: ReportBack) -> ReportBack:
        report_back.channels = list(self.cleaned_data.get("channels") or [])
        return report_back

    def related(self) -> dict:
        """What `services.report_back_save` takes besides the report-back and the actor."""
        return {
            "insights": self.cleaned_data.get("insights") or [],
            "themes": self.cleaned_data.get("themes") or [],
            "links": {link.name: self.cleaned_data.get(link.name) or [] for link in self.links},
        }
