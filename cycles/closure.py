"""Responsible closure: what a cycle's closure checklist shows, worked out from the data.

Each of the model's closure steps is done, explained (a written reason why not) or not
yet. The engagement lead records them (`ClosureItem`); two steps can also be met by the
data, which then counts whatever was recorded:

- learning and outcomes shared: the cycle has a published report-back;
- open actions handed over or closed with a reason: no action of the cycle's plan is left
  open (every one is done, dropped with its reason, or handed over to the next iteration).

A cycle may close only when every step is done or explained (`services.cycle_update` and
`services.cycle_close` ask `Checklist.all_settled`). Reading the checklist writes nothing
and costs the same few queries whatever the cycle holds.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Q

from .models import ActionHandover, ClosureItem, ClosureItemKey, ClosureState, Cycle, CycleStatus

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

OPEN_LISTED = 10  # open actions named on the checklist; the rest are counted


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

    @property
    def state_label(self) -> str:
        return ClosureState(self.state).label

    @property
    def settled(self) -> bool:
        return self.state in (ClosureState.DONE, ClosureState.EXPLAINED)


@dataclass
class ActionsSummary:
    total: int = 0
    done: int = 0
    dropped: int = 0
    handed_over: int = 0
    left_open: int = 0
    # Up to OPEN_LISTED of the actions left open: (pk, title).
    open_examples: list[tuple[int, str]] = field(default_factory=list)

    @property
    def more_open(self) -> int:
        return self.left_open - len(self.open_examples)


@dataclass
class Checklist:
    cycle: Cycle
    items: list[ChecklistItem]
    report_back: dict | None
    actions: ActionsSummary
    next_cycle: dict | None

    @property
    def is_open(self) -> bool:
        """The checklist is in use once the cycle is closing (and stays readable after)."""
        return self.cycle.status in (CycleStatus.CLOSING, CycleStatus.CLOSED)

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


def _first_published_report_back(cycle: Cycle) -> dict | None:
    from feedback.models import ReportBack

    return (
        ReportBack.objects.filter(cycle=cycle, published_at__isnull=False)
        .order_by("published_at", "pk")
        .values("pk", "title", "published_at")
        .first()
    )


def _finished_and_handed() -> tuple[Q, Q]:
    """(finished: done or dropped, handed over to the next iteration) as conditions on
    actions; an action that is neither is left open."""
    from actions.models import ActionStatus

    finished = Q(status__in=(ActionStatus.DONE, ActionStatus.DROPPED))
    handed = Q(Exists(ActionHandover.objects.filter(action=OuterRef("pk"))))
    return finished, handed


def _actions_summary(cycle: Cycle) -> ActionsSummary:
    from actions.models import Action, ActionStatus

    finished, handed = _finished_and_handed()
    actions = Action.objects.filter(plan__cycle=cycle)
    counts = actions.aggregate(
        total=Count("pk"),
        done=Count("pk", filter=Q(status=ActionStatus.DONE)),
        dropped=Count("pk", filter=Q(status=ActionStatus.DROPPED)),
        handed_over=Count("pk", filter=~finished & handed),
        left_open=Count("pk", filter=~finished & ~handed),
    )
    summary = ActionsSummary(**counts)
    if summary.left_open:
        summary.open_examples = list(
            actions.exclude(finished)
            .exclude(handed)
            .order_by("due_date", "pk")
            .values_list("pk", "title")[:OPEN_LISTED]
        )
    return summary


def _shown_state(key, recorded: str, *, shared: bool, left_open: bool) -> tuple[str, bool]:
    """What a step shows, from what was recorded and the data: (state, met by the data)."""
    if key == ClosureItemKey.LEARNING_SHARED and shared:
        return ClosureState.DONE, True
    if key == ClosureItemKey.ACTIONS_HANDED_OVER:
        if not left_open:
            return ClosureState.DONE, True
        if recorded == ClosureState.DONE:
            # Done was recorded when nothing was left open; an action opened since then
            # needs handing over, closing or explaining again.
            return ClosureState.NOT_YET, False
    return recorded, False


def checklist_for(cycle: Cycle) -> Checklist:
    """The cycle's closure checklist as it stands: at most five queries."""
    stored = {item.key: item for item in ClosureItem.objects.filter(cycle=cycle)
              .select_related("updated_by")}  # fmt: skip
    report_back = _first_published_report_back(cycle)
    actions = _actions_summary(cycle)
    next_cycle = (
        Cycle.objects.filter(previous_iteration=cycle).values("pk", "title", "status").first()
    )
    items = []
    for key in ClosureItemKey:
        row = stored.get(key.value)
        state, met_by_data = _shown_state(
            key,
            row.state if row else ClosureState.NOT_YET,
            shared=report_back is not None,
            left_open=actions.left_open > 0,
        )
        items.append(
            ChecklistItem(
                key=key.value,
                label=key.label,
                hint=HINTS[key],
                state=state,
                recorded_state=row.state if row else ClosureState.NOT_YET,
                note=row.note if row else "",
                updated_by=row.updated_by if row else None,
                updated_at=row.updated_at if row else None,
                met_by_data=met_by_data,
            )
        )
    return Checklist(
        cycle=cycle, items=items, report_back=report_back, actions=actions, next_cycle=next_cycle
    )


def _settled_by_data(cycle_pks: list[int]) -> tuple[set[int], set[int]]:
    """(cycles with a published report-back, cycles with an action left open): the two
    facts that meet or reopen a step whatever was recorded. Two queries."""
    from actions.models import Action
    from feedback.models import ReportBack

    finished, handed = _finished_and_handed()
    shared = set(
        ReportBack.objects.filter(cycle__in=cycle_pks, published_at__isnull=False)
        .values_list("cycle_id", flat=True)
        .distinct()
    )
    left_open = set(
        Action.objects.filter(plan__cycle__in=cycle_pks)
        .exclude(finished)
        .exclude(handed)
        .values_list("plan__cycle_id", flat=True)
        .distinct()
    )
    return shared, left_open


def closure_responsible(cycles) -> dict[int, bool]:
    """Readiness measure: the cycle is closing or closed and every closure step is done or
    explained, by the same rules as `checklist_for` (three queries for any number of
    cycles)."""
    closing = [c.pk for c in cycles if c.status in (CycleStatus.CLOSING, CycleStatus.CLOSED)]
    if not closing:
        return {cycle.pk: False for cycle in cycles}
    recorded: dict[int, dict[str, str]] = {}
    for cycle_id, key, state in ClosureItem.objects.filter(cycle__in=closing).values_list(
        "cycle_id", "key", "state"
    ):
        recorded.setdefault(cycle_id, {})[key] = state
    shared, left_open = _settled_by_data(closing)
    settled = (ClosureState.DONE, ClosureState.EXPLAINED)

    def met(pk: int) -> bool:
        states = recorded.get(pk, {})
        return all(
            _shown_state(
                key,
                states.get(key.value, ClosureState.NOT_YET),
                shared=pk in shared,
                left_open=pk in left_open,
            )[0]
            in settled
            for key in ClosureItemKey
        )

    return {cycle.pk: cycle.pk in closing and met(cycle.pk) for cycle in cycles}


def what_to_adapt(cycle: Cycle) -> str:
    """What the cycle's annual evaluation says to adapt ("" when there is none)."""
    # The actions app owns the evaluation (and imports cycles, hence the late import).
    from actions.evaluation import evaluation_what_to_adapt

    return evaluation_what_to_adapt(cycle)


@dataclass
class NextIterationPreview:
    stakeholders: int
    steering_seats: int
    theory_of_change_items: int
    open_actions: int
    what_to_adapt: str


def next_iteration_preview(cycle: Cycle, *, actions: ActionsSummary) -> NextIterationPreview:
    """What "start next iteration" would carry over, counted (three small queries)."""
    from stakeholders.models import StakeholderCycle, SteeringGroupMember

    from .models import TheoryOfChangeItem

    return NextIterationPreview(
        stakeholders=StakeholderCycle.objects.filter(cycle=cycle).count(),
        steering_seats=SteeringGroupMember.objects.filter(cycle=cycle).count(),
        theory_of_change_items=TheoryOfChangeItem.objects.filter(cycle=cycle).count(),
        open_actions=actions.left_open,
        what_to_adapt=what_to_adapt(cycle),
    )
