"""Forms for the action plan: an action (its content fields, declared once in
`models.ACTION_CONTENT`) and the plan table's filters.

Row-choosing fields get their querysets in `__init__`, inside the request's organisation
scope. Cross-field rules (due before start, target without metric, out of scope without a
reason) live in the services, which the views call; their errors come back onto the form.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from cycles.models import Cycle
from t2a.forms import T2AForm, T2AModelForm
from t2a.models import Membership, User

from ..models import (
    ACTION_CONTENT,
    DEFAULT_CADENCE_DAYS,
    Action,
    ActionStatus,
    MeasureKind,
    Priority,
)
from ..selectors.content import number_text
from .fields import DATE_INPUT, PersonChoiceField, parse_measure_number, rows

# A numeric measure's baseline and target are typed into the baseline and target boxes
# and saved as numbers in these fields.
NUMBER_FIELDS = {"baseline": "baseline_value", "target": "target_value"}


class PriorityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Priority) -> str:
        return obj.title


class ActionForm(T2AModelForm):
    priority = PriorityChoiceField(label="Priority it serves", queryset=None)
    owner = PersonChoiceField(
        label="Owner", queryset=None, help_text="The member who makes sure it happens."
    )
    cadence_days = forms.IntegerField(
        label="Tell the community about progress every (days)",
        min_value=1,
        max_value=365,
        initial=DEFAULT_CADENCE_DAYS,
        help_text=f"Usually {DEFAULT_CADENCE_DAYS}. From 1 to 365.",
    )
    scope = forms.ChoiceField(
        label="Can we influence this?",
        choices=[
            ("in", "In scope: we can act on this"),
            ("out", "Out of scope: we cannot influence this"),
        ],
        widget=forms.RadioSelect,
        initial="in",
    )

    class Meta:
        model = Action
        # The content fields (models.ACTION_CONTENT), with scope asked as a yes/no and a
        # numeric baseline and target typed into the baseline and target boxes.
        fields = [
            "scope" if name == "in_scope" else name
            for name in ACTION_CONTENT
            if name not in NUMBER_FIELDS.values()
        ]
        labels = {
            "title": "Action",
            "description": "What will be done",
            "start_date": "Start date",
            "due_date": "Due date",
            "community_measure": "The measure that matters to the community",
            "specific_result": "Specific result",
            "metric": "Metric (how it is measured)",
            "measure_kind": "Is the measure a number?",
            "measure_unit": "Unit (for a number)",
            "baseline": "Baseline (where we start)",
            "target": "Target",
            "out_of_scope_reason": "Why it is out of scope",
        }
        help_texts = {
            "partners": "One organisation per line.",
            "community_measure": "In the community's own words: how will people know it "
            "has made a difference?",
            "due_date": "The date the specific result will be achieved by.",
            "out_of_scope_reason": "If an area cannot be influenced, say so and why.",
            "metric": "For example, average wait for a first appointment.",
            "measure_unit": "For example, days, people or %.",
            "baseline": "For a number, only the number, like 42 or 12.5.",
            "target": "For a number, only the number. It can be lower than the baseline, "
            "for example when waiting times should fall.",
        }
        widgets = {
            "description": rows(4),
            "partners": rows(3),
            "community_measure": rows(3),
            "specific_result": rows(3),
            "out_of_scope_reason": rows(3),
            "start_date": DATE_INPUT,
            "due_date": DATE_INPUT,
            "measure_kind": forms.RadioSelect,
        }

    def __init__(self, *args, cycle: Cycle, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["priority"].queryset = Priority.objects.filter(cycle=cycle)
        self.fields["owner"].queryset = User.objects.filter(
            pk__in=Membership.objects.values("user_id")
        ).order_by("full_name", "email")
        self.fields["measure_kind"].choices = [
            (MeasureKind.QUALITATIVE, "No, it is described in words"),
            (MeasureKind.NUMERIC, "Yes, a number with a unit, so progress shows as a percentage"),
        ]
        self.fields["measure_kind"].required = False
        if self.instance.pk:
            self.fields["scope"].initial = "in" if self.instance.in_scope else "out"
            for box, number in NUMBER_FIELDS.items():
                value = getattr(self.instance, number)
                if value is not None:
                    self.initial[box] = number_text(value)

    def clean(self):
        cleaned = super().clean()
        # Posts from before measures could be numbers leave the choice out: words.
        cleaned["measure_kind"] = cleaned.get("measure_kind") or MeasureKind.QUALITATIVE
        if cleaned["measure_kind"] != MeasureKind.NUMERIC:
            return cleaned
        if not cleaned.get("metric"):
            self.add_error("metric", "Say what the number measures, like average wait in days.")
        if not cleaned.get("measure_unit"):
            self.add_error("measure_unit", "Enter the unit of the number, like days or people.")
        for box, number in NUMBER_FIELDS.items():
            label = self.fields[box].label.split(" (")[0]
            text = cleaned.get(box, "")
            if not text:
                if box not in self.errors:
                    self.add_error(box, f"Enter the {label.lower()} as a number.")
                continue
            try:
                cleaned[number] = parse_measure_number(text, label=label)
            except ValidationError as exc:
                self.add_error(box, exc)
        return cleaned

    def action_fields(self) -> dict:
        fields = {k: v for k, v in self.cleaned_data.items() if k != "scope"}
        fields["in_scope"] = self.cleaned_data["scope"] == "in"
        if fields["in_scope"]:
            fields["out_of_scope_reason"] = ""
        if fields.get("measure_kind") == MeasureKind.NUMERIC:
            fields["baseline"] = fields["target"] = ""
        else:
            fields["measure_unit"] = ""
            fields["baseline_value"] = fields["target_value"] = None
        return fields

    def _post_clean(self):
        # The service validates the action (with cross-field rules) before saving; the
        # model form must not write onto the instance and validate it half-way here.
        pass


class PlanFilterForm(T2AForm):
    owner = PersonChoiceField(label="Owner", queryset=None, required=False, empty_label="Anyone")
    status = forms.ChoiceField(
        label="Status", choices=[("", "Any status"), *ActionStatus.choices], required=False
    )
    overdue = forms.BooleanField(label="Only overdue actions", required=False)

    def __init__(self, *args, owners: QuerySet, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
