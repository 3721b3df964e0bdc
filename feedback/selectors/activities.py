"""Reads of listening activities: the calendar, reach, and the cycles' listening figures."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from cycles.models import Cycle
from cycles.selectors.cycles import cycles_visible_to
from t2a.models import Membership

from ..models import ActivityStatus, EngagementActivity
from ..policies import can_record_standalone_insight
from .insight import insight_closure, organisation_closure


def activities_visible_to(membership: Membership) -> QuerySet[EngagementActivity]:
    return EngagementActivity.objects.filter(cycle__in=cycles_visible_to(membership))


def get_activity_for_request(request: HttpRequest, activity_pk: int) -> EngagementActivity:
    return get_object_or_404(
        activities_visible_to(request.membership)
        .select_related("cycle", "venue")
        .prefetch_related("facilitators"),
        pk=activity_pk,
    )


def cycle_activities(*, cycle: Cycle) -> QuerySet[EngagementActivity]:
    """The cycle's activities in date order, with what the calendar shows (two queries)."""
    return (
        EngagementActivity.objects.filter(cycle=cycle)
        .select_related("venue")
        .prefetch_related("facilitators")
        .annotate(insight_count=Count("insights"))
        .order_by("held_on", "starts_at", "pk")
    )


def activities_facilitated_by(*, cycle: Cycle, membership: Membership):
    """Activities a member may record insight from: all for staff, their own for leads."""
    activities = EngagementActivity.objects.filter(cycle=cycle).exclude(
        status=ActivityStatus.CANCELLED
    )
    if not can_record_standalone_insight(membership):
        activities = activities.filter(facilitators=membership.user_id)
    return activities.order_by("-held_on", "-pk")


@dataclass
class Reach:
    held: int = 0
    community_led_held: int = 0
    planned: int = 0
    participants: int = 0
    by_group: list[tuple[str, int]] = field(default_factory=list)


def cycle_reach(*, cycle: Cycle) -> Reach:
    """Activities and participants by target group, for held activities (one query)."""
    reach = Reach()
    counts: dict[str, int] = defaultdict(int)
    rows = EngagementActivity.objects.filter(cycle=cycle).values_list(
        "status", "community_led", "participants", "reach"
    )
    for status, community_led, participants, by_group in rows:
        if status == ActivityStatus.PLANNED:
            reach.planned += 1
        if status != ActivityStatus.HELD:
            continue
        reach.held += 1
        reach.community_led_held += community_led
        reach.participants += participants or 0
        for group, count in (by_group or {}).items():
            counts[group] += int(count or 0)
    reach.by_group = [(g, counts.get(g, 0)) for g in cycle.population_groups or []]
    return reach


def cycles_with_listening(membership: Membership) -> list[Cycle]:
    """The member's cycles, each with activity counts and its Closure (two queries)."""
    cycles = list(
        cycles_visible_to(membership)
        .annotate(
            activities_planned=Count(
                "activities", filter=Q(activities__status=ActivityStatus.PLANNED), distinct=True
            ),
            activities_held=Count(
                "activities", filter=Q(activities__status=ActivityStatus.HELD), distinct=True
            ),
        )
        .order_by("-created_at", "-pk")
    )
    closure = insight_closure(cycles)
    for cycle in cycles:
        cycle.closure = closure[cycle.pk]
    return cycles


def organisation_listening(membership: Membership) -> dict:
    """Activities held and insight closure across the member's cycles (two queries)."""
    cycles = cycles_visible_to(membership)
    held = EngagementActivity.objects.filter(cycle__in=cycles, status=ActivityStatus.HELD).count()
    return {"held": held, "closure": organisation_closure(cycles)}


# --- a stakeholder's data (registered in registrations.py) ---------------------------------


def venue_activity(since: datetime, day: date) -> Exists:
    """Retention: the stakeholder hosted a listening activity recently (or one changed)."""
    return Exists(
        EngagementActivity.objects.filter(venue=OuterRef("pk")).filter(
            Q(held_on__gte=day) | Q(updated_at__gte=since)
        )
    )
