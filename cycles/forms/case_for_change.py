"""Forms for the case for change: its sections, its data sources and inequality-map rows."""

from django import forms

from t2a.forms import T2AModelForm

from ..models import CaseForChange, DataSource, InequalityRow
from .fields import DateInput, long_text, not_in_future


class CaseForChangeForm(T2AModelForm):
    inequality_addressed = long_text(
        "The inequality being addressed",
        help_text="What is unequal, for whom, and how large the gap is.",
        missing="Enter the inequality being addressed.",
    )
    most_affected = long_text(
        "Who is most affected and why",
        help_text="Name the groups and what drives the gap for them.",
        missing="Enter who is most affected and why.",
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


class DataSourceForm(T2AModelForm):
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


class InequalityRowForm(T2AModelForm):
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
            "source_url",
        ]
        labels = {
            "comparator_value": "Comparator value",
            "comparator_label": "Comparator",
            "source_url": "Link to the source",
        }
        help_texts = {
            "group": "For example, Black African, or most deprived decile.",
            "indicator": "For example, stillbirths per 1,000 births.",
            "source": "Which data source this figure comes from.",
            "source_url": "Optional. The web address of the source, starting https://, so "
            "readers of the report can open it.",
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
