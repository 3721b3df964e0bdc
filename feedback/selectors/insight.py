"""Reads of insight: who may read which, what counts as answered, and the insight lists.

Sensitive insight is removed here, in the queryset, so no page, partial or count built on
these functions can carry its text to someone who may not read it.

Later stages take insight up, which answers it, through two plug-in points declared and
read below (`INSIGHT_ANSWERED`, `INSIGHT_TAKEN_UP_BY`): they register answers with
`app.extend(point, "<dotted path>")` in their registrations.py, and feedback asks whatever
is registered, without naming the apps that answer.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    Prefetch,
    Q,
    QuerySet,
    Value,
)
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from cycles.models import Cycle
from cycles.selectors.cycles import cycles_visible_to
from t2a.models import Membership
from t2a.registry import registry, resolve

from ..models import ClosureState, Insight, Sensitivity, Theme
from ..policies import can_see_sensitive_insight

# --- plug-in points: insight taken up by a later stage ------------------------------------

# Plug-in point: a callable `() -> Exists`, correlated on the outer insight's pk
# (`OuterRef("pk")`), true when a later stage has taken the insight up, which answers it
# (actions: a priority links to it). Built on the base manager or otherwise usable outside
# a scope: the outer insight query is already limited to the organisation.
INSIGHT_ANSWERED = "feedback.insight_answered"

# Plug-in point: a callable `(insight) -> list[str]`, the sentences the insight's page shows
# under "Answered" about what took it up ("Taken up by the priority: ..."). Called only for
# an insight annotated `taken_up` (one query per answer, whatever the insight's links).
INSIGHT_TAKEN_UP_BY = "feedback.insight_taken_up_by"


def _taken_up_conditions() -> list[Q]:
    return [Q(resolve(e.target)()) for e in registry.extensions(INSIGHT_ANSWERED)]


def taken_up() -> Q:
    """True for an insight that some later stage has taken up (never, when none answers)."""
    found = _taken_up_conditions()
    return reduce(or_, found) if found else Q(Value(False))


def taken_up_annotation() -> ExpressionWrapper:
    """`taken_up()` as a value, for `.annotate(taken_up=...)` (read by Insight.closure_state)."""
    return ExpressionWrapper(taken_up(), output_field=BooleanField())


def insight_taken_up_by(insight: Insight) -> list[str]:
    """What the insight's page says took it up, from every stage that answers."""
    if not getattr(insight, "taken_up", False):
        return []
    return [
        line
        for e in registry.extensions(INSIGHT_TAKEN_UP_BY)
        for line in resolve(e.target)(insight)
    ]


# What makes an insight "answered": a report-back or a service sets `answered_at`, or a
# later stage takes it up (INSIGHT_ANSWERED). Every count follows these. They are functions,
# built per call, because the answers are registered only when the apps are ready.


def answered() -> Q:
    return Q(answered_at__isnull=False) | taken_up()


def out_of_scope() -> Q:
    return Q(answered_at__isnull=True, out_of_scope_at__isnull=False) & ~taken_up()


def unanswered() -> Q:
    return Q(answered_at__isnull=True, out_of_scope_at__isnull=True) & ~taken_up()


CLOSURE_STATES = {
    ClosureState.ANSWERED: answered,
    ClosureState.OUT_OF_SCOPE: out_of_scope,
    ClosureState.UNANSWERED: unanswered,
}


# --- visibility ---------------------------------------------------------------------------


def insights_visible_to(membership: Membership) -> QuerySet[Insight]:
    """Insight of the member's cycles; sensitive insight only for staff."""
    insights = Insight.objects.filter(cycle__in=cycles_visible_to(membership))
    if not can_see_sensitive_insight(membership):
        insights = insights.filter(sensitivity=Sensitivity.NORMAL)
    return insights


def get_insight_for_request(request: HttpRequest, insight_pk: int) -> Insight:
    """The insight, or 404 (also for sensitive insight the member may not read)."""
    return get_object_or_404(
        insights_visible_to(request.membership)
        .select_related(
            "cycle", "activity", "captured_by", "out_of_scope_by", "record_consent_recorded_by"
        )
        .annotate(taken_up=taken_up_annotation()),
        pk=insight_pk,
    )


# --- insight closure ----------------------------------------------------------------------


@dataclass(frozen=True)
class Closure:
    total: int = 0
    answered: int = 0
    out_of_scope: int = 0

    @property
    def unanswered(self) -> int:
        return self.total - self.answered - self.out_of_scope

    @property
    def unanswered_percent(self) -> int | None:
        return round(self.unanswered * 100 / self.total) if self.total else None


def insight_closure(cycles: Cycle | Iterable[Cycle]) -> dict[int, Closure]:
    """{cycle_pk: Closure} counting every insight of each cycle, sensitive or not (one query).

    The counts carry no text, and the share still unanswered is the cycle's own measure of
    whether it acts on what it collects, so nothing is left out for any reader.
    """
    cycles = [cycles] if isinstance(cycles, Cycle) else list(cycles)
    rows = (
        Insight.objects.filter(cycle__in=[c.pk for c in cycles])
        .order_by()
        .values("cycle_id")
        .annotate(
            total=Count("pk"),
            answered=Count("pk", filter=answered()),
            out_of_scope=Count("pk", filter=out_of_scope()),
        )
    )
    found = {r["cycle_id"]: Closure(r["total"], r["answered"], r["out_of_scope"]) for r in rows}
    return {c.pk: found.get(c.pk, Closure()) for c in cycles}


def organisation_closure(cycles: QuerySet[Cycle]) -> Closure:
    """One Closure over every insight of these cycles (one query)."""
    totals = Insight.objects.filter(cycle__in=cycles).aggregate(
        total=Count("pk"),
        answered=Count("pk", filter=answered()),
        out_of_scope=Count("pk", filter=out_of_scope()),
    )
    return Closure(**totals)


# --- insight lists ------------------------------------------------------------------------


def insight_list(
    insights: QuerySet[Insight],
    *,
    theme: Theme | None = None,
    activity_pk: int | None = None,
    closure: str = "",
) -> QuerySet[Insight]:
    """Filtered insight with what a row shows; the page query count does not grow with rows."""
    if theme is not None:
        insights = insights.filter(theme_links__theme=theme)
    if activity_pk is not None:
        insights = insights.filter(activity_id=activity_pk)
    if closure in CLOSURE_STATES:
        insights = insights.filter(CLOSURE_STATES[closure]())
    return (
        insights.select_related("activity", "captured_by")
        .prefetch_related(Prefetch("themes", queryset=Theme.objects.order_by("name")))
        .annotate(taken_up=taken_up_annotation())
    )
