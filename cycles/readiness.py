# One checklist item per line, so an app wiring in its measure changes exactly one line.
# ruff: noqa: E501
"""Stage readiness: each stage's checklist, computed from the data.

Each stage (1–5) has a list of items taken from the model's "put this into practice"
steps. An item has a stable `key`, a plain-English `label` and a `measure`: either None
("not yet measured", because the data lives in an app that has not been built yet) or the
dotted path of a function

    measure(cycles: Sequence[Cycle]) -> dict[int, bool]   # {cycle_pk: met}

that answers for many cycles at once with a constant number of queries, so the cycle
list can show readiness for fifty cycles as cheaply as for one. A cycle missing from the
answer counts as not met. Paths are resolved lazily with `import_string`, so an app can
point an item at its own module without this module importing it.

Apps that bring the data for an item wire it in by setting the item's `measure` below.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from .models import Cycle

Measure = Callable[[Sequence["Cycle"]], dict[int, bool]]


@dataclass(frozen=True)
class ReadinessItem:
    key: str
    label: str
    measure: str | None = None


# fmt: off
CHECKLIST: dict[int, tuple[ReadinessItem, ...]] = {
    1: (
        ReadinessItem("case_for_change_written", "Case for change written, with every required section filled", measure="cycles.measures.case_for_change_written"),
        ReadinessItem("case_for_change_agreed", "Case for change agreed by the steering group", measure="cycles.measures.case_for_change_agreed"),
        ReadinessItem("theory_of_change_drafted", "Theory of change drafted: inputs, activities, outcomes and impact", measure="cycles.measures.theory_of_change_drafted"),
        ReadinessItem("inclusion_prompts_answered", "All four inclusion prompts answered", measure="cycles.measures.inclusion_prompts_answered"),
        ReadinessItem("ethics_log_ready", "Ethics log ready: at least one entry, and every open entry has a mitigation and an owner", measure="cycles.measures.ethics_log_ready"),
        ReadinessItem("steering_group_formed", "Steering group formed, with community members and at least two system-sector members", measure="stakeholders.readiness.steering_group_formed"),
    ),
    # Stage 2, "Prepare and empower community leads".
    2: (
        ReadinessItem("community_leads_prepared", "Community leads prepared: role agreement confirmed by both sides and training recorded", measure="stakeholders.readiness.community_leads_prepared"),
    ),
    # Stage 3, "Listen".
    3: (
        ReadinessItem("listening_planned", "Listening activities planned in trusted places", measure="feedback.readiness.listening_planned"),
        ReadinessItem("listening_held", "At least one community-led listening activity held", measure="feedback.readiness.listening_held"),
        ReadinessItem("insight_recorded", "Insight from listening recorded", measure="feedback.readiness.insight_recorded"),
    ),
    # Stage 4, "Co-production and action".
    4: (
        ReadinessItem("priorities_ranked", "Priorities ranked with community leads", measure="actions.readiness.priorities_ranked"),
        ReadinessItem("insight_linked", "Every insight linked to a priority or marked out of scope with a reason", measure="feedback.readiness.insight_linked"),
        ReadinessItem("action_plan_signed_off", "Action plan signed off by the community leads", measure="actions.readiness.action_plan_signed_off"),
    ),
    # Stage 5, "System accountability".
    5: (
        ReadinessItem("report_back_published", "A \u201cyou said, we did\u201d report-back published", measure="feedback.readiness.report_back_published"),
        ReadinessItem("progress_updates_on_time", "Progress updates published within each action's cadence", measure="actions.readiness.progress_updates_on_time"),
        ReadinessItem("escalations_decided", "Every escalation to governance has a decision", measure="actions.readiness.escalations_decided"),
        ReadinessItem("evaluation_written", "Annual evaluation written, with success evidence and ripple effects", measure="actions.readiness.evaluation_written"),
        ReadinessItem("closure_responsible", "Responsible closure: communicated early, learning shared, contributors thanked, transition offered, open actions handed over", measure="cycles.closure.closure_responsible"),
    ),
}
# fmt: on

STAGES = tuple(sorted(CHECKLIST))


@dataclass(frozen=True)
class ItemResult:
    item: ReadinessItem
    met: bool | None  # None: not yet measured

    @property
    def state(self) -> str:
        if self.met is None:
            return "not_measured"
        return "met" if self.met else "unmet"

    @property
    def key(self) -> str:
        return self.item.key

    @property
    def label(self) -> str:
        return self.item.label


@dataclass(frozen=True)
class StageReadiness:
    stage: int
    results: tuple[ItemResult, ...]

    @property
    def unmet(self) -> list[ItemResult]:
        return [r for r in self.results if r.met is False]

    @property
    def met_count(self) -> int:
        return sum(1 for r in self.results if r.met)

    @property
    def measured_count(self) -> int:
        return sum(1 for r in self.results if r.met is not None)

    @property
    def not_measured_count(self) -> int:
        return sum(1 for r in self.results if r.met is None)

    @property
    def is_ready(self) -> bool:
        """Nothing measured is unmet (items not yet measured cannot block)."""
        return not self.unmet


@cache
def _resolve(path: str) -> Measure:
    return import_string(path)


def checklist(stage: int) -> tuple[ReadinessItem, ...]:
    return CHECKLIST[stage]


def evaluate_many(
    cycles: Sequence["Cycle"], *, stages: Iterable[int] | None = None
) -> dict[int, dict[int, StageReadiness]]:
    """Return {cycle_pk: {stage: StageReadiness}} for the given stages (default: all).

    Each measured item runs once for all the cycles, so the number of queries depends on
    the checklist, not on how many cycles there are.
    """
    cycles = list(cycles)
    wanted = sorted(set(stages)) if stages is not None else list(STAGES)
    answers: dict[str, dict[int, bool]] = {}
    if cycles:
        for stage in wanted:
            for item in CHECKLIST[stage]:
                if item.measure is not None and item.measure not in answers:
                    answers[item.measure] = _resolve(item.measure)(cycles)
    return {
        cycle.pk: {
            stage: StageReadiness(
                stage,
                tuple(
                    ItemResult(
                        item,
                        None
                        if item.measure is None
                        else bool(answers[item.measure].get(cycle.pk, False)),
                    )
                    for item in CHECKLIST[stage]
                ),
            )
            for stage in wanted
        }
        for cycle in cycles
    }


def evaluate(cycle: "Cycle", *, stages: Iterable[int] | None = None) -> dict[int, StageReadiness]:
    """Return {stage: StageReadiness} for one cycle."""
    return evaluate_many([cycle], stages=stages)[cycle.pk]


def evaluate_current_stage(cycles: Sequence["Cycle"]) -> dict[int, StageReadiness]:
    """Return {cycle_pk: readiness of the cycle's current stage}, for list pages.

    Every stage's measures run, so the number of queries is the same whichever stages the
    listed cycles are at (one cycle or fifty).
    """
    cycles = list(cycles)
    by_cycle = evaluate_many(cycles)
    return {c.pk: by_cycle[c.pk][c.current_stage] for c in cycles}
