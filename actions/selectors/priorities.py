"""Reads for a cycle's priorities: who ranked what, the combined order, and the insight
they take up (feedback's plug-in points "feedback.insight_answered" and
"feedback.insight_taken_up_by", registered in registrations.py)."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import pluralize

from cycles.models import Cycle
from cycles.selectors.cycles import cycles_visible_to
from feedback.models import Insight
from t2a.models import User

from ..models import Priority, PriorityInsight, PriorityRanking


def get_priority_for_request(request: HttpRequest, priority_pk: int) -> Priority:
    return get_object_or_404(
        Priority.objects.filter(cycle__in=cycles_visible_to(request.membership)).select_related(
            "cycle"
        ),
        pk=priority_pk,
    )


def priorities_of(cycle: Cycle) -> QuerySet[Priority]:
    """The cycle's priorities, by title."""
    return Priority.objects.filter(cycle=cycle)


def agreed_priorities(cycle: Cycle) -> list[Priority]:
    """The priorities recorded as the agreed set."""
    return list(Priority.objects.filter(cycle=cycle, agreed_on__isnull=False))


@dataclass
class RankedPriority:
    priority: Priority
    points: int = 0
    ranked_by: int = 0
    insight_count: int = 0
    theme_names: list[str] = field(default_factory=list)


def combined_ranking(*, cycle: Cycle) -> tuple[list[RankedPriority], int]:
    """The cycle's priorities in combined order, and how many leads have ranked.

    Combined with a Borda count: in a lead's list of n, position p earns n - p + 1 points,
    so a lead who ranked fewer priorities (some added later) still counts fairly.
    Three queries.
    """
    priorities = list(
        Priority.objects.filter(cycle=cycle).prefetch_related("themes").select_related("agreed_by")
    )
    ranked = {
        p.pk: RankedPriority(priority=p, theme_names=[t.name for t in p.themes.all()])
        for p in priorities
    }
    rows = list(
        PriorityRanking.objects.filter(cycle=cycle).values_list(
            "lead_id", "priority_id", "position"
        )
    )
    per_lead: dict[int, int] = defaultdict(int)
    for lead_id, _, _ in rows:
        per_lead[lead_id] += 1
    for lead_id, priority_id, position in rows:
        if priority_id in ranked:
            ranked[priority_id].points += per_lead[lead_id] - position + 1
            ranked[priority_id].ranked_by += 1
    counts = (
        PriorityInsight.objects.filter(priority__cycle=cycle).values_list("priority_id").order_by()
    )
    for (priority_id,) in counts:
        if priority_id in ranked:
            ranked[priority_id].insight_count += 1
    ordered = sorted(ranked.values(), key=lambda r: (-r.points, r.priority.title.casefold()))
    return ordered, len(per_lead)


def lead_ranking(*, cycle: Cycle, lead: User) -> dict[int, int]:
    """{priority_pk: position} as this lead last ranked them."""
    return dict(
        PriorityRanking.objects.filter(cycle=cycle, lead=lead).values_list(
            "priority_id", "position"
        )
    )


def insight_linked_to_priority() -> Exists:
    """True for an insight that some priority answers: the answer at feedback's plug-in
    point "feedback.insight_answered" (feedback.selectors.insight.taken_up).

    Built on the base manager so it can be made outside a scope; it correlates on the outer
    insight, whose own query is already limited to the organisation.
    """
    return Exists(PriorityInsight._base_manager.filter(insight=OuterRef("pk")))


def insight_taken_up_by(insight: Insight) -> list[str]:
    """The insight page's line naming the priorities that took the insight up (one query)."""
    titles = list(insight.priorities.values_list("title", flat=True))
    if not titles:
        return []
    return [f"Taken up by {pluralize(len(titles), 'the priority,priorities')}: {', '.join(titles)}"]
