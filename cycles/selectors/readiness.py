"""Stage readiness: each stage's checklist, computed from the data.

Each stage (1-5) has a list of items taken from the model's "put this into practice"
steps, contributed by the app that holds the data (`app.readiness(...)` in its
registrations.py, see t2a/registry.py). An item has a stable `key`, a plain-English
`label` and a `measure`, the dotted path of a function

    measure(cycles: Sequence[Cycle]) -> dict[int, bool]   # {cycle_pk: met}

that answers for many cycles at once with a constant number of queries, so the cycle
list can show readiness for fifty cycles as cheaply as for one. A cycle missing from the
answer counts as not met.

The cycles app's own measures, for stage 1, are at the end of this module.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from t2a.registry import STAGES, ReadinessMeasure, registry

from ..models import (
    CaseForChange,
    CaseForChangeStatus,
    Cycle,
    DataSource,
    EthicsLogEntry,
    EthicsStatus,
    InclusionPrompts,
    InequalityRow,
    TheoryOfChangeItem,
    TheoryOfChangeKind,
)
from ..services.versions import cycle_cache_key

ReadinessItem = ReadinessMeasure

# Answers are named by the cycle's data version and the day, so they never go stale; the
# timeout only lets old versions' entries leave the cache.
CACHE_SECONDS = 2 * 24 * 3600


@dataclass(frozen=True)
class ItemResult:
    item: ReadinessItem
    met: bool

    @property
    def state(self) -> str:
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
        return [r for r in self.results if not r.met]

    @property
    def met_count(self) -> int:
        return sum(1 for r in self.results if r.met)

    @property
    def is_ready(self) -> bool:
        return not self.unmet


def checklist(stage: int) -> tuple[ReadinessItem, ...]:
    return tuple(registry.readiness(stage))


def evaluate_many(
    cycles: Sequence[Cycle], *, stages: Iterable[int] | None = None
) -> dict[int, dict[int, StageReadiness]]:
    """Return {cycle_pk: {stage: StageReadiness}} for the given stages (default: all).

    Each measured item runs once for all the cycles, so the number of queries depends on
    the checklist, not on how many cycles there are.
    """
    cycles = list(cycles)
    wanted = sorted(set(stages)) if stages is not None else list(STAGES)
    items = {stage: checklist(stage) for stage in wanted}
    answers: dict[str, dict[int, bool]] = {}
    if cycles:
        for stage in wanted:
            for item in items[stage]:
                if item.measure not in answers:
                    answers[item.measure] = item.call("measure", cycles)
    return {
        cycle.pk: {
            stage: StageReadiness(
                stage,
                tuple(
                    ItemResult(item, bool(answers[item.measure].get(cycle.pk, False)))
                    for item in items[stage]
                ),
            )
            for stage in wanted
        }
        for cycle in cycles
    }


def evaluate(cycle: Cycle, *, stages: Iterable[int] | None = None) -> dict[int, StageReadiness]:
    """Return {stage: StageReadiness} for one cycle."""
    return evaluate_many([cycle], stages=stages)[cycle.pk]


# --- computed once per change -----------------------------------------------------------------


def _answers_key(cycle: Cycle, today: date) -> str:
    # Some measures read the date (an action falls overdue for its update without any
    # write), so a new day is a new answer as well as a new version.
    return cycle_cache_key(cycle, f"readiness:{today.isoformat()}")


def answers_cached(cycles: Sequence[Cycle]) -> dict[int, dict[str, bool]]:
    """{cycle_pk: {measure path: met}} for every registered measure, from the cache where
    each cycle's answers at its current data version are kept; the cycles missing there
    are measured together (each measure once) and stored.

    The cycles must be loaded in this request: their `data_version` names the answers.
    """
    cycles = list(cycles)
    today = timezone.localdate()
    keys = {cycle.pk: _answers_key(cycle, today) for cycle in cycles}
    found = cache.get_many(list(keys.values())) if keys else {}
    answers = {pk: found[key] for pk, key in keys.items() if key in found}
    missing = [cycle for cycle in cycles if cycle.pk not in answers]
    if missing:
        measures = {item.measure: item for stage in STAGES for item in checklist(stage)}
        measured = {path: item.call("measure", missing) for path, item in measures.items()}
        fresh = {
            cycle.pk: {path: bool(met.get(cycle.pk, False)) for path, met in measured.items()}
            for cycle in missing
        }
        cache.set_many({keys[pk]: value for pk, value in fresh.items()}, timeout=CACHE_SECONDS)
        answers.update(fresh)
    return answers


def _stage(stage: int, answers: dict[str, bool]) -> StageReadiness:
    return StageReadiness(
        stage,
        tuple(ItemResult(item, answers.get(item.measure, False)) for item in checklist(stage)),
    )


def evaluate_cached(cycle: Cycle) -> dict[int, StageReadiness]:
    """`evaluate(cycle)` for pages: computed once per change to the cycle's data (and per
    day), then read from the cache."""
    answers = answers_cached([cycle])[cycle.pk]
    return {stage: _stage(stage, answers) for stage in STAGES}


def current_stage_cached(cycles: Sequence[Cycle]) -> dict[int, StageReadiness]:
    """`evaluate_current_stage(cycles)` for list pages, computed once per change: no query
    when every listed cycle's answers are cached, and one per measure otherwise."""
    answers = answers_cached(cycles)
    return {cycle.pk: _stage(cycle.current_stage, answers[cycle.pk]) for cycle in cycles}


def evaluate_current_stage(cycles: Sequence[Cycle]) -> dict[int, StageReadiness]:
    """Return {cycle_pk: readiness of the cycle's current stage}, for list pages.

    Every stage's measures run, so the number of queries is the same whichever stages the
    listed cycles are at (one cycle or fifty).
    """
    cycles = list(cycles)
    by_cycle = evaluate_many(cycles)
    return {c.pk: by_cycle[c.pk][c.current_stage] for c in cycles}


# --- stage 1 measures, each answering for many cycles in one query ---------------------------


def _pks(cycles: Sequence[Cycle]) -> list[int]:
    return [cycle.pk for cycle in cycles]


def _met(cycles: Sequence[Cycle], met_pks) -> dict[int, bool]:
    met = set(met_pks)
    return {cycle.pk: cycle.pk in met for cycle in cycles}


def case_for_change_written(cycles: Sequence[Cycle]) -> dict[int, bool]:
    """Every required section filled: the three text sections, a data source and an
    inequality-map row."""
    written = (
        CaseForChange.objects.filter(cycle__in=_pks(cycles))
        .exclude(inequality_addressed="")
        .exclude(most_affected="")
        .exclude(local_insight="")
        .filter(
            Exists(DataSource.objects.filter(case_for_change=OuterRef("pk"))),
            Exists(InequalityRow.objects.filter(case_for_change=OuterRef("pk"))),
        )
        .values_list("cycle_id", flat=True)
    )
    return _met(cycles, written)


def case_for_change_agreed(cycles: Sequence[Cycle]) -> dict[int, bool]:
    agreed = CaseForChange.objects.filter(
        cycle__in=_pks(cycles), status=CaseForChangeStatus.AGREED
    ).values_list("cycle_id", flat=True)
    return _met(cycles, agreed)


def theory_of_change_drafted(cycles: Sequence[Cycle]) -> dict[int, bool]:
    """At least one input, one activity, one outcome (any term) and one impact."""
    kind = TheoryOfChangeKind
    outcomes = [kind.OUTCOME_SHORT, kind.OUTCOME_MEDIUM, kind.OUTCOME_LONG]
    rows = (
        TheoryOfChangeItem.objects.filter(cycle__in=_pks(cycles))
        .values("cycle_id")
        .annotate(
            inputs=Count("pk", filter=Q(kind=kind.INPUT)),
            activities=Count("pk", filter=Q(kind=kind.ACTIVITY)),
            outcomes=Count("pk", filter=Q(kind__in=outcomes)),
            impacts=Count("pk", filter=Q(kind=kind.IMPACT)),
        )
        .filter(inputs__gt=0, activities__gt=0, outcomes__gt=0, impacts__gt=0)
        .values_list("cycle_id", flat=True)
    )
    return _met(cycles, rows)


def inclusion_prompts_answered(cycles: Sequence[Cycle]) -> dict[int, bool]:
    answered = (
        InclusionPrompts.objects.filter(cycle__in=_pks(cycles))
        .exclude(missing_groups="")
        .exclude(less_trust_voice="")
        .exclude(power_holders="")
        .exclude(differing_experiences="")
        .values_list("cycle_id", flat=True)
    )
    return _met(cycles, answered)


def ethics_log_ready(cycles: Sequence[Cycle]) -> dict[int, bool]:
    """The log has at least one entry, and every open entry has a mitigation and an owner.

    An empty log does not count as ready: no ethical consideration at all is far more
    likely to mean nobody has looked than that there is nothing to look at.
    """
    rows = (
        EthicsLogEntry.objects.filter(cycle__in=_pks(cycles))
        .values("cycle_id")
        .annotate(
            entries=Count("pk"),
            incomplete=Count(
                "pk",
                filter=Q(status=EthicsStatus.OPEN) & (Q(mitigation="") | Q(owner__isnull=True)),
            ),
        )
        .filter(entries__gt=0, incomplete=0)
        .values_list("cycle_id", flat=True)
    )
    return _met(cycles, rows)
