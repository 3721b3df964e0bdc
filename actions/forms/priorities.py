"""Forms for a cycle's priorities: drawing one up, ranking them and recording the agreed set.

Row-choosing fields get their querysets in `__init__`, inside the request's organisation
scope.
"""

from django import forms
from django.db.models import QuerySet

from cycles.models import Cycle
from feedback.models import Theme
from t2a.forms import T2AForm

from ..models import LONG_TEXT, Priority
from .fields import DATE_INPUT, rows


class InsightChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        text = obj.summary
        return text if len(text) <= 140 else text[:139] + "…"


class PriorityForm(T2AForm):
    title = forms.CharField(label="Priority", max_length=200)
    description = forms.CharField(
        label="What it means", max_length=LONG_TEXT, required=False, widget=rows(4)
    )
    themes = forms.ModelMultipleChoiceField(
        label="Themes it is drawn from",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    insights = InsightChoiceField(
        label="Insight it answers",
        help_text="Linking an insight to a priority counts it as answered.",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, cycle: Cycle, insights: QuerySet, **kwargs) -> None:
        super().__init__(*args, **kwargs)

        self.fields["themes"].queryset = Theme.objects.filter(cycle=cycle).order_by("name")
        self.fields["insights"].queryset = insights.filter(cycle=cycle).order_by("captured_at")


class PriorityAgreeForm(T2AForm):
    priorities = forms.ModelMultipleChoiceField(
        label="Agreed priorities",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one agreed priority."},
    )
    agreed_on = forms.DateField(label="Date agreed", widget=DATE_INPUT)

    def __init__(self, *args, cycle: Cycle, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["priorities"].queryset = Priority.objects.filter(cycle=cycle)
        self.fields["priorities"].label_from_instance = lambda p: p.title


class PriorityRankForm(T2AForm):
    """One position field per priority; the positions must be 1..n, each used once."""

    def __init__(self, *args, priorities: list[Priority], current: dict[int, int], **kwargs):
        super().__init__(*args, **kwargs)
        self.priorities = priorities
        choices = [("", "Choose a position")] + [
            (str(n), str(n)) for n in range(1, len(priorities) + 1)
        ]
        for priority in priorities:
            self.fields[f"position_{priority.pk}"] = forms.TypedChoiceField(
                label=f"Position for \u2018{priority.title}\u2019",
                choices=choices,
                coerce=int,
                initial=current.get(priority.pk),
                error_messages={"required": f"Give \u2018{priority.title}\u2019 a position."},
            )

    def clean(self):
        cleaned = super().clean()
        seen: dict[int, str] = {}
        for priority in self.priorities:
            name = f"position_{priority.pk}"
            position = cleaned.get(name)
            if position is None:
                continue
            if position in seen:
                self.add_error(
                    name,
                    f"Position {position} is already given to \u2018{seen[position]}\u2019: "
                    "use each position once.",
                )
            else:
                seen[position] = priority.title
        return cleaned

    def ordered(self) -> list[Priority]:
        return sorted(self.priorities, key=lambda p: self.cleaned_data[f"position_{p.pk}"])
