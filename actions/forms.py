"""Forms for priorities, actions, sign-off, progress and escalations.

Row-choosing fields get their querysets in `__init__`, inside the request's organisation
scope. Cross-field rules (due before start, target without metric, out of scope without a
reason) live in the services, which the views call; their errors come back onto the form.
"""

from django import forms
from django.db.models import QuerySet

from cycles.models import Cycle
from t2a.models import Membership, User

from .models import (
    DEFAULT_CADENCE_DAYS,
    LONG_TEXT,
    Action,
    ActionStatus,
    Decision,
    Priority,
)

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _rows(n: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": n})


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.full_name or obj.email


class PriorityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Priority) -> str:
        return obj.title


class InsightChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        text = obj.summary
        return text if len(text) <= 140 else text[:139] + "…"


class PriorityForm(forms.Form):
    title = forms.CharField(label="Priority", max_length=200)
    description = forms.CharField(
        label="What it means", max_length=LONG_TEXT, required=False, widget=_rows(4)
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
        from feedback.models import Theme

        self.fields["themes"].queryset = Theme.objects.filter(cycle=cycle).order_by("name")
        self.fields["insights"].queryset = insights.filter(cycle=cycle).order_by("captured_at")


class PriorityAgreeForm(forms.Form):
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


class PriorityRankForm(forms.Form):
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


class ActionForm(forms.ModelForm):
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
        fields = [
            "priority",
            "title",
            "description",
            "owner",
            "partners",
            "start_date",
            "due_date",
            "community_measure",
            "specific_result",
            "metric",
            "baseline",
            "target",
            "scope",
            "out_of_scope_reason",
            "cadence_days",
        ]
        labels = {
            "title": "Action",
            "description": "What will be done",
            "start_date": "Start date",
            "due_date": "Due date",
            "community_measure": "The measure that matters to the community",
            "specific_result": "Specific result",
            "metric": "Metric (how it is measured)",
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
        }
        widgets = {
            "description": _rows(4),
            "partners": _rows(3),
            "community_measure": _rows(3),
            "specific_result": _rows(3),
            "out_of_scope_reason": _rows(3),
            "start_date": DATE_INPUT,
            "due_date": DATE_INPUT,
        }

    def __init__(self, *args, cycle: Cycle, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["priority"].queryset = Priority.objects.filter(cycle=cycle)
        self.fields["owner"].queryset = User.objects.filter(
            pk__in=Membership.objects.values("user_id")
        ).order_by("full_name", "email")
        if self.instance.pk:
            self.fields["scope"].initial = "in" if self.instance.in_scope else "out"

    def action_fields(self) -> dict:
        fields = {k: v for k, v in self.cleaned_data.items() if k != "scope"}
        fields["in_scope"] = self.cleaned_data["scope"] == "in"
        if fields["in_scope"]:
            fields["out_of_scope_reason"] = ""
        return fields

    def _post_clean(self):
        # The service validates the action (with cross-field rules) before saving; the
        # model form must not write onto the instance and validate it half-way here.
        pass


class MinApprovalsForm(forms.Form):
    rule = forms.ChoiceField(
        label="Who must approve the plan?",
        choices=[
            ("all", "Every community lead on the cycle"),
            ("minimum", "A minimum number of community leads"),
        ],
        widget=forms.RadioSelect,
    )
    min_approvals = forms.IntegerField(
        label="Minimum number of approvals",
        required=False,
        min_value=1,
        help_text="At least one.",
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("rule") == "minimum" and not cleaned.get("min_approvals"):
            self.add_error("min_approvals", "Enter how many community leads must approve.")
        return cleaned

    def value(self) -> int | None:
        if self.cleaned_data["rule"] == "minimum":
            return self.cleaned_data["min_approvals"]
        return None


class SignOffForm(forms.Form):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=Decision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to approve or ask for changes."},
    )
    comment = forms.CharField(
        label="Comment",
        required=False,
        max_length=LONG_TEXT,
        widget=_rows(4),
        help_text="Needed if you ask for changes: say what should change.",
    )
    content_hash = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("decision") == Decision.REQUEST_CHANGES
            and not cleaned.get("comment", "").strip()
        ):
            self.add_error("comment", "Say what you would like changed.")
        return cleaned


class ProgressUpdateForm(forms.Form):
    status = forms.ChoiceField(label="Status now", choices=ActionStatus.choices)
    narrative = forms.CharField(label="What has happened", max_length=LONG_TEXT, widget=_rows(5))
    barriers = forms.CharField(
        label="Barriers",
        required=False,
        max_length=LONG_TEXT,
        widget=_rows(3),
        help_text="Anything in the way. You can escalate a barrier to the governance board.",
    )
    evidence_url = forms.URLField(label="Link to evidence", required=False, max_length=500)
    dropped_reason = forms.CharField(
        label="If dropped, why",
        required=False,
        max_length=2000,
        widget=_rows(3),
    )
    public = forms.BooleanField(
        label="Share this update with the public",
        required=False,
        help_text="Public updates may appear on the cycle's \u201cyou said, we did\u201d page. "
        "Write in plain English and leave out personal details.",
    )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("status") == ActionStatus.DROPPED
            and not cleaned.get("dropped_reason", "").strip()
        ):
            self.add_error("dropped_reason", "Say why the action is being dropped.")
        return cleaned


class EscalationForm(forms.Form):
    reason = forms.CharField(
        label="What should the governance board decide, and why?",
        max_length=LONG_TEXT,
        widget=_rows(5),
    )


class EscalationDecisionForm(forms.Form):
    decision = forms.CharField(label="The board's decision", max_length=LONG_TEXT, widget=_rows(5))


class PlanFilterForm(forms.Form):
    owner = PersonChoiceField(label="Owner", queryset=None, required=False, empty_label="Anyone")
    status = forms.ChoiceField(
        label="Status", choices=[("", "Any status"), *ActionStatus.choices], required=False
    )
    overdue = forms.BooleanField(label="Only overdue actions", required=False)

    def __init__(self, *args, owners: QuerySet, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
