"""The form for a cycle's public page: its own text and its switch."""

from django import forms

from t2a.forms import T2AModelForm

from ..models import PublicPage
from .reading_ease import live_reading_ease


class PublicPageForm(T2AModelForm):
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
