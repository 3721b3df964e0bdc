"""Responsible closure: what a cycle's closure checklist shows, worked out from the data.

Each of the model's closure steps is done, explained (a written reason why not) or not
yet. The engagement lead records them (`ClosureItem`). Some steps can also be settled by
the data of a later stage, which the app holding that data registers as closure
evidence (t2a/registry.py, `app.closure_evidence`): the feedback app's published
report-back shares the learning; the actions app's "no action left open" hands them over,
and reopens that step while an action is left open.

A cycle may close only when every step is done or explained (`services.cycles.cycle_update`
and `services.closure.cycle_close` ask `Checklist.all_settled`). Reading the checklist
writes nothing and costs the same few queries whatever the cycle holds.
"""

from dataclasses import dataclass, field
from datetime import datetime

from t2a.registry import CarryOver, ClosureEvidence, registry

from ..models import ClosureItem, ClosureItemKey, ClosureState, Cycle, CycleStatus

# The statuses in which a cycle's closure checklist is in use (and stays readable).
CLOSURE_STATUSES = (CycleStatus.CLOSING, CycleStatus.CLOSED)
# A cycle starts its next iteration once it is closing or closed: the iteration carries its
# open actions and what its evaluation says to adapt.
NEXT_ITERATION_FROM = CLOSURE_STATUSES

# What each step asks for, in plain words, shown under it.
HINTS = {
    ClosureItemKey.COMMUNICATED: "Tell communities, community leads and partners when and "
    "why the cycle is ending, well before it ends, through the channels they use.",
    ClosureItemKey.LEARNING_SHARED: "Share what was learned and what changed, in a "
    "report-back or another way communities can reach. A published report-back counts.",
    ClosureItemKey.THANKED: "Thank the people and groups who gave their time and insight, "
    "and recognise them in the way they prefer.",
    ClosureItemKey.TRANSITION: "Offer contributors a way to stay involved: a longer-term "
    "group, a role, training or a link to another programme.",
    ClosureItemKey.ACTIONS_HANDED_OVER: "Every action still open is handed over to the next "
    "iteration, or marked done or dropped with a reason in the action plan.",
}


@dataclass
class ChecklistItem:
    key: str
    label: str
    hint: str
    state: str
    # What was recorded by hand ("not yet" when nothing was), which the form starts from.
    recorded_state: str = ClosureState.NOT_YET
    note: str = ""
    updated_by: object = None
    updated_at: datetime | None = None
    # Set when the data meets the step, whatever was recorded by hand.
    met_by_data: bool = False
    # What the data says about the step (from the app that registered the evidence).
    evidence_template: str = ""
    evidence: dict = field(default_factory=dict)

    @property
    def state_label(self) -> str:
        return ClosureState(self.state).label

    @property
    def settled(self) -> bool:
        return self.state in (ClosureState.DONE, ClosureState.EXPLAINED)


@dataclass
class Checklist:
    cycle: Cycle
    items: list[ChecklistItem]
    next_cycle: dict | None

    @property
    def is_open(self) -> bool:
        """The checklist is in use once the cycle is closing (and stays readable after)."""
        return self.cycle.status in CLOSURE_STATUSES

    @property
    def settled_count(self) -> int:
        return sum(1 for item in self.items if item.settled)

    @property
    def unsettled(self) -> list[ChecklistItem]:
        return [item for item in self.items if not item.settled]

    @property
    def all_settled(self) -> bool:
        return not self.unsettled

    def item(self, key: str) -> ChecklistItem:
        return next(item for item in self.items if item.key == key)


def _evidence() -> dict[str, ClosureEvidence]:
    return {key: e for key in ClosureItemKey if (e := registry.closure_evidence(key)) is not None}


def _shown_state(recorded: str, evidence: ClosureEvidence | None, *, met: bool) -> tuple[str, bool]:
    """What a step shows, from what was recorded and the data: (state, met by the data)."""
    if evidence is None:
        return recorded, False
    if met:
        return ClosureState.DONE, True
    if evidence.reopens and recorded == ClosureState.DONE:
        # Done was recorded while the data met the step; it needs doing or explaining
        # again now that it does not.
        return ClosureState.NOT_YET, False
    return recorded, False


def checklist_for(cycle: Cycle) -> Checklist:
    """The cycle's closure checklist as it stands: a few queries, whatever the cycle holds."""
    stored = {item.key: item for item in ClosureItem.objects.filter(cycle=cycle)
              .select_related("updated_by")}  # fmt: skip
    evidence = _evidence()
    summaries = {key: e.call("summary", cycle) for key, e in evidence.items()}
    next_cycle = (
        Cycle.objects.filter(previous_iteration=cycle).values("pk", "title", "status").first()
    )
    items = []
    for key in ClosureItemKey:
        row = stored.get(key.value)
        found = evidence.get(key)
        recorded = row.state if row else ClosureState.NOT_YET
        summary = summaries.get(key, {})
        state, met_by_data = _shown_state(recorded, found, met=summary.get("met", False))
        items.append(
            ChecklistItem(
                key=key.value,
                label=key.label,
                hint=HINTS[key],
                state=state,
                recorded_state=recorded,
                note=row.note if row else "",
                updated_by=row.updated_by if row else None,
                updated_at=row.updated_at if row else None,
                met_by_data=met_by_data,
                evidence_template=found.template if found else "",
                evidence=summary,
            )
        )
    return Checklist(cycle=cycle, items=items, next_cycle=next_cycle)


def closure_refusal(cycle: Cycle, key: str) -> str:
    """Why `key` cannot be recorded as done now ("" when it can)."""
    found = registry.closure_evidence(key)
    if found is None or not found.reopens or cycle.pk in found.call("met", [cycle.pk]):
        return ""
    return found.call("refusal", cycle)


def closure_responsible(cycles) -> dict[int, bool]:
    """Readiness measure: the cycle is closing or closed and every closure step is done or
    explained, by the same rules as `checklist_for` (one query, plus one per registered
    piece of evidence, for any number of cycles)."""
    closing = [c.pk for c in cycles if c.status in CLOSURE_STATUSES]
    if not closing:
        return {cycle.pk: False for cycle in cycles}
    recorded: dict[int, dict[str, str]] = {}
    for cycle_id, key, state in ClosureItem.objects.filter(cycle__in=closing).values_list(
        "cycle_id", "key", "state"
    ):
        recorded.setdefault(cycle_id, {})[key] = state
    evidence = _evidence()
    met_by = {key: e.call("met", closing) for key, e in evidence.items()}
    settled = (ClosureState.DONE, ClosureState.EXPLAINED)

    def met(pk: int) -> bool:
        states = recorded.get(pk, {})
        return all(
            _shown_state(
                states.get(key.value, ClosureState.NOT_YET),
                evidence.get(key),
                met=pk in met_by.get(key, ()),
            )[0]
            in settled
            for key in ClosureItemKey
        )

    return {cycle.pk: cycle.pk in closing and met(cycle.pk) for cycle in cycles}


def next_iteration_preview(cycle: Cycle) -> list[dict]:
    """What "start next iteration" would carry over, as each app says it (a few queries)."""
    found = (item.call("preview", cycle) for item in registry.all(CarryOver))
    return [preview for preview in found if preview]
