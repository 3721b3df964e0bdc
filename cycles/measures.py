"""Readiness measures for stage 1, each answering for many cycles in one query.

See cycles/readiness.py for the contract: `measure(cycles) -> {cycle_pk: met}`.
"""

from collections.abc import Sequence

from django.db.models import Count, Exists, OuterRef, Q

from .models import (
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
