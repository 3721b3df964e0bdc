"""The ripple-effect map's form: one effect and what it grew out of and links to."""

from django import forms

from cycles.models import Cycle
from t2a.forms import T2AForm

from ..models import RIPPLE_TEXT, Action, RippleEffect, RippleLevel
from ..selectors.ripple import build_tree, descendant_ids, walk


def _insight_label(insight) -> str:
    text = " ".join(insight.summary.split())
    return text if len(text) <= 90 else text[:89].rstrip() + "\u2026"


class RippleEffectForm(T2AForm):
    """One effect. Choice lists come from the cycle (built once by the view)."""

    description = forms.CharField(
        label="What changed",
        max_length=RIPPLE_TEXT,
        help_text="One change, in a sentence. For example, ‘Amina now runs the Tuesday "
        "walking group’ or ‘The council moved the clinic bus stop’.",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": "Describe the effect.",
            "max_length": f"Describe the effect in {RIPPLE_TEXT} characters or fewer.",
        },
    )
    level = forms.ChoiceField(
        label="Who did it change?",
        choices=RippleLevel.choices,
        widget=forms.RadioSelect,
        help_text="Individual: a person. Community: a group or neighbourhood. System: a "
        "service, policy, budget or how decisions are made.",
        error_messages={
            "required": "Choose whether the effect is on individuals, a community or the system.",
            "invalid_choice": "Choose whether the effect is on individuals, a community or "
            "the system.",
        },
    )
    parent = forms.TypedChoiceField(
        label="Grew out of (optional)",
        required=False,
        coerce=int,
        empty_value=None,
        help_text="The effect this one grew out of. Leave empty for a starting point.",
        error_messages={"invalid_choice": "Choose an effect from this cycle's map."},
    )
    action = forms.TypedChoiceField(
        label="Linked action (optional)",
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": "Choose an action from this cycle's plan."},
    )
    insight = forms.TypedChoiceField(
        label="Linked insight (optional)",
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": "Choose an insight from this cycle."},
    )

    def __init__(
        self,
        *args,
        cycle: Cycle,
        effects: list[RippleEffect],
        actions: list[Action],
        insights: list,
        effect: RippleEffect | None = None,
        hidden_insight: bool = False,
        **kwargs,
    ) -> None:

        self.cycle = cycle
        self.effect = effect
        if effect is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "description": effect.description,
                "level": effect.level,
                "parent": effect.parent_id,
                "action": effect.action_id,
                "insight": effect.insight_id,
            }
        super().__init__(*args, **kwargs)
        self.loop_ids: set[int] = set()
        if effect is not None:
            self.loop_ids = {effect.pk} | descendant_ids(effects, effect.pk)
        offered = []
        for node in walk(build_tree(effects)):
            if node.effect.pk in self.loop_ids:
                continue
            text = node.effect.description
            text = text if len(text) <= 80 else text[:79].rstrip() + "\u2026"
            prefix = "\u2003" * node.depth
            offered.append((node.effect.pk, f"{prefix}{text} ({node.effect.get_level_display()})"))
        # Loops are accepted as choices here so `clean_parent` can say what is wrong.
        self.fields["parent"].choices = [("", "None: a starting point"), *offered] + [
            (pk, "") for pk in sorted(self.loop_ids)
        ]
        self.fields["parent"].widget.choices = [("", "None: a starting point"), *offered]
        self.fields["action"].choices = [("", "No action")] + [(a.pk, a.title) for a in actions]
        self.fields["insight"].choices = [("", "No insight")] + [
            (i.pk, _insight_label(i)) for i in insights
        ]
        if hidden_insight:
            # The effect links a sensitive insight this member may not read: keep the link.
            del self.fields["insight"]
        # Optional links with nothing to choose from are not shown (still validated).
        self.unoffered = {
            name
            for name in ("parent", "action", "insight")
            if name in self.fields and len(self.fields[name].widget.choices) == 1
        }

    def shown_fields(self):
        return [f for f in self if f.name not in self.unoffered]

    def clean_description(self) -> str:
        return " ".join(self.cleaned_data["description"].split())

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        if parent is not None and parent in self.loop_ids:
            raise forms.ValidationError(
                "An effect cannot grow out of itself or out of an effect that grew from it."
            )
        return parent
