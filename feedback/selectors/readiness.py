"""Stage readiness items that listening data makes measurable (registered in
registrations.py; see t2a/registry.py ReadinessMeasure).

Each answers for many cycles with one query: `measure(cycles) -> {cycle_pk: met}`.
"""

from collections.abc import Sequence

from django.db.models import Count, Exists, OuterRef

from cycles.models import Cycle

from ..models import ActivityStatus, EngagementActivity, Insight, ReportBack
from .insight import unanswered


def _pks(cycles: Sequence) -> list[int]:
    return [c.pk for c in cycles]


def _met(cycles: Sequence, met_pks) -> dict[int, bool]:
    met = set(met_pks)
    return {c.pk: c.pk in met for c in cycles}


def listening_held(cycles: Sequence) -> dict[int, bool]:
    """At least one community-led activity has been held."""
    held = EngagementActivity.objects.filter(
        cycle__in=_pks(cycles), community_led=True, status=ActivityStatus.HELD
    ).values_list("cycle_id", flat=True)
    return _met(cycles, held)


def listening_planned(cycles: Sequence) -> dict[int, bool]:
    """At least one activity (planned or held, not cancelled) in a Trusted Place."""
    planned = (
        EngagementActivity.objects.filter(cycle__in=_pks(cycles), venue__trusted_place=True)
        .exclude(status=ActivityStatus.CANCELLED)
        .values_list("cycle_id", flat=True)
    )
    return _met(cycles, planned)


def insight_recorded(cycles: Sequence) -> dict[int, bool]:
    """At least one insight has been captured (one EXISTS per cycle, never the insight)."""
    recorded = Cycle.objects.filter(
        Exists(Insight.objects.filter(cycle=OuterRef("pk"))), pk__in=_pks(cycles)
    ).values_list("pk", flat=True)
    return _met(cycles, recorded)


def insight_linked(cycles: Sequence) -> dict[int, bool]:
    """There is insight, and none of it is still unanswered (answered or out of scope).

    No insight at all is not "every insight closed": there is nothing to draw priorities
    from yet.
    """
    rows = (
        Insight.objects.filter(cycle__in=_pks(cycles))
        .order_by()
        .values("cycle_id")
        .annotate(total=Count("pk"), open=Count("pk", filter=unanswered()))
        .filter(total__gt=0, open=0)
        .values_list("cycle_id", flat=True)
    )
    return _met(cycles, rows)


def report_back_published(cycles: Sequence) -> dict[int, bool]:
    """At least one "you said, we did" report-back has been published."""
    return _met(
        cycles,
        ReportBack.objects.filter(cycle__in=_pks(cycles), published_at__isnull=False).values_list(
            "cycle_id", flat=True
        ),
    )
