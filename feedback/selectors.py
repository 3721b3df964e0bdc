"""Reads for listening: visibility, the calendar, theme synthesis and insight closure.

Sensitive insight is removed here, in the queryset, so no page, partial or count built on
these functions can carry its text to someone who may not read it.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Window
from django.db.models.functions import RowNumber
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone

from actions.models import SIGNED_STATUSES, Action, ActionStatus, Priority, ProgressUpdate
from actions.selectors import insight_linked_to_priority
from cycles.models import Cycle
from cycles.selectors import cycles_visible_to
from t2a.models import Membership

from .models import (
    ActivityStatus,
    EngagementActivity,
    Insight,
    InsightTheme,
    PublicPage,
    ReportBack,
    Sensitivity,
    Theme,
)
from .policies import can_record_standalone_insight, can_see_sensitive_insight

# What makes an insight "answered": a report-back or a service sets `answered_at`, or a
# priority links to it (actions.PriorityInsight). Every count below follows these.
LINKED_TO_PRIORITY = Q(insight_linked_to_priority())
ANSWERED = Q(answered_at__isnull=False) | LINKED_TO_PRIORITY
OUT_OF_SCOPE = Q(answered_at__isnull=True, out_of_scope_at__isnull=False) & ~LINKED_TO_PRIORITY
UNANSWERED = Q(answered_at__isnull=True, out_of_scope_at__isnull=True) & ~LINKED_TO_PRIORITY

CLOSURE_STATES = {"answered": ANSWERED, "out_of_scope": OUT_OF_SCOPE, "unanswered": UNANSWERED}


# --- visibility ---------------------------------------------------------------------------


def activities_visible_to(membership: Membership) -> QuerySet[EngagementActivity]:
    return EngagementActivity.objects.filter(cycle__in=cycles_visible_to(membership))


def insights_visible_to(membership: Membership) -> QuerySet[Insight]:
    """Insight of the member's cycles; sensitive insight only for staff."""
    insights = Insight.objects.filter(cycle__in=cycles_visible_to(membership))
    if not can_see_sensitive_insight(membership):
        insights = insights.filter(sensitivity=Sensitivity.NORMAL)
    return insights


def themes_visible_to(membership: Membership) -> QuerySet[Theme]:
    return Theme.objects.filter(cycle__in=cycles_visible_to(membership))


def get_activity_for_request(request: HttpRequest, activity_pk: int) -> EngagementActivity:
    return get_object_or_404(
        activities_visible_to(request.membership)
        .select_related("cycle", "venue")
        .prefetch_related("facilitators"),
        pk=activity_pk,
    )


def get_insight_for_request(request: HttpRequest, insight_pk: int) -> Insight:
    """The insight, or 404 (also for sensitive insight the member may not read)."""
    return get_object_or_404(
        insights_visible_to(request.membership)
        .select_related("cycle", "activity", "captured_by", "out_of_scope_by")
        .annotate(linked_to_priority=insight_linked_to_priority()),
        pk=insight_pk,
    )


def get_theme_for_request(request: HttpRequest, theme_pk: int) -> Theme:
    return get_object_or_404(
        themes_visible_to(request.membership).select_related("cycle"), pk=theme_pk
    )


# --- activities ---------------------------------------------------------------------------


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
            answered=Count("pk", filter=ANSWERED),
            out_of_scope=Count("pk", filter=OUT_OF_SCOPE),
        )
    )
    found = {r["cycle_id"]: Closure(r["total"], r["answered"], r["out_of_scope"]) for r in rows}
    return {c.pk: found.get(c.pk, Closure()) for c in cycles}


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
        insights = insights.filter(CLOSURE_STATES[closure])
    return (
        insights.select_related("activity", "captured_by")
        .prefetch_related(Prefetch("themes", queryset=Theme.objects.order_by("name")))
        .annotate(linked_to_priority=insight_linked_to_priority())
    )


def theme_suggestions(*, cycle: Cycle, text: str, exclude: Sequence[str] = (), limit: int = 8):
    """Themes of the cycle whose name contains `text`, best matches first."""
    text = " ".join(text.split())
    if not text:
        return []
    taken = {name.casefold() for name in exclude}
    themes = Theme.objects.filter(cycle=cycle, name__icontains=text).order_by("name")[: limit * 2]
    ranked = sorted(
        (t for t in themes if t.name.casefold() not in taken),
        key=lambda t: (not t.name.casefold().startswith(text.casefold()), t.name.casefold()),
    )
    return ranked[:limit]


# --- theme synthesis ----------------------------------------------------------------------


@dataclass
class ThemeSummary:
    theme: Theme
    count: int
    activities: list[tuple[int, str]] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    latest: list[Insight] = field(default_factory=list)


LATEST_PER_THEME = 3


def theme_synthesis(*, cycle: Cycle, membership: Membership) -> list[ThemeSummary]:
    """Each theme of the cycle with its count, where it was raised and its latest insight.

    Counts and samples only include insight the member may read. Three queries, however
    many insights there are.
    """
    visible = insights_visible_to(membership).filter(cycle=cycle)
    themes = list(
        Theme.objects.filter(cycle=cycle).annotate(
            count=Count("insight_links", filter=Q(insight_links__insight__in=visible))
        )
    )
    summaries = {t.pk: ThemeSummary(theme=t, count=t.count) for t in themes}

    raised = (
        InsightTheme.objects.filter(theme__cycle=cycle, insight__in=visible)
        .order_by()
        .values_list(
            "theme_id",
            "insight__activity_id",
            "insight__activity__title",
            "insight__population_group",
        )
        .distinct()
    )
    for theme_pk, activity_pk, title, group in raised:
        summary = summaries.get(theme_pk)
        if summary is None:
            continue
        if activity_pk and (activity_pk, title) not in summary.activities:
            summary.activities.append((activity_pk, title))
        if group and group not in summary.groups:
            summary.groups.append(group)

    latest = (
        InsightTheme.objects.filter(theme__cycle=cycle, insight__in=visible)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by="theme_id",
                order_by=["-insight__captured_at", "-insight_id"],
            )
        )
        .filter(rank__lte=LATEST_PER_THEME)
        .select_related("insight")
        .order_by("theme_id", "rank")
    )
    for link in latest:
        if link.theme_id in summaries:
            summaries[link.theme_id].latest.append(link.insight)

    for summary in summaries.values():
        summary.activities.sort(key=lambda a: a[1].casefold())
        summary.groups.sort(key=str.casefold)
    return sorted(summaries.values(), key=lambda s: (-s.count, s.theme.name.casefold()))


def organisation_listening(membership: Membership) -> dict:
    """Activities held and insight closure across the member's cycles (two queries)."""
    cycles = cycles_visible_to(membership)
    held = EngagementActivity.objects.filter(cycle__in=cycles, status=ActivityStatus.HELD).count()
    totals = Insight.objects.filter(cycle__in=cycles).aggregate(
        total=Count("pk"),
        answered=Count("pk", filter=ANSWERED),
        out_of_scope=Count("pk", filter=OUT_OF_SCOPE),
    )
    return {"held": held, "closure": Closure(**totals)}


# --- report-backs -------------------------------------------------------------------------


def report_backs_visible_to(membership: Membership) -> QuerySet[ReportBack]:
    return ReportBack.objects.filter(cycle__in=cycles_visible_to(membership))


def get_report_back_for_request(request: HttpRequest, report_back_pk: int) -> ReportBack:
    return get_object_or_404(
        report_backs_visible_to(request.membership).select_related(
            "cycle", "created_by", "published_by"
        ),
        pk=report_back_pk,
    )


def cycle_report_backs(*, cycle: Cycle) -> QuerySet[ReportBack]:
    """The cycle's report-backs, published in date order then drafts, with their counts."""
    return (
        ReportBack.objects.filter(cycle=cycle)
        .annotate(
            insight_count=Count("insights", distinct=True),
            action_count=Count("actions", distinct=True),
        )
        # Meta.ordering is not applied to aggregating queries: say it again.
        .order_by(F("published_at").asc(nulls_last=True), "created_at", "pk")
    )


def report_back_contents(report_back: ReportBack, membership: Membership) -> dict:
    """What a report-back answers and reports, for members (sensitive insight for staff only).

    Four queries however much it holds.
    """
    insights = insights_visible_to(membership).filter(report_backs=report_back)
    return {
        "insights": list(insights.order_by("-captured_at", "-pk")),
        "hidden_insights": report_back.insights.count() - insights.count(),
        "themes": list(report_back.themes.order_by("name")),
        "actions": list(report_back.actions.order_by("title", "pk")),
        "progress_updates": list(
            report_back.progress_updates.select_related("action").order_by("-created_at", "-pk")
        ),
    }


def public_page_for(cycle: Cycle) -> PublicPage | None:
    return PublicPage.objects.filter(cycle=cycle).first()


# --- the public page ----------------------------------------------------------------------
#
# Everything the public "you said, we did" page shows comes from `public_page_data`, as
# plain dicts holding only fields that are public by design. The template never gets a
# model instance, so it cannot reach a name, an email address, an internal update or a
# sensitive insight by following a relation.

PUBLIC_PAGE_SECONDS = 60


def public_page_cache_key(organisation_id: int, cycle_slug: str) -> str:
    return f"feedback:public-page:{organisation_id}:{cycle_slug}"


def published_public_page(cycle_slug: str) -> PublicPage | None:
    """The switched-on public page of this organisation's cycle with that slug, or None."""
    return (
        PublicPage.objects.filter(enabled=True, cycle__slug=cycle_slug)
        .select_related("cycle")
        .first()
    )


def _attribution(insight: Insight) -> str:
    # The model's check constraint already holds this; the page does not rely on it.
    if insight.contributor_name and insight.credit_consent_at:
        return insight.contributor_name
    return "A community member"


def public_page_data(page: PublicPage) -> dict:
    """The public page of a cycle as plain data: no personal data, no sensitive insight, no
    internal update, no draft. A fixed number of queries (eight), however many actions,
    insights and report-backs the cycle has.
    """
    cycle = page.cycle
    last_public = ProgressUpdate.objects.filter(action=OuterRef("pk"), public=True).order_by(
        "-created_at", "-pk"
    )
    actions = list(
        Action.objects.filter(plan__cycle=cycle, plan__status__in=SIGNED_STATUSES)
        .annotate(
            last_public_update_at=Subquery(last_public.values("created_at")[:1]),
            last_public_update=Subquery(last_public.values("narrative")[:1]),
        )
        .order_by("due_date", "title", "pk")
        .values(
            "pk",
            "priority_id",
            "title",
            "community_measure",
            "due_date",
            "status",
            "in_scope",
            "out_of_scope_reason",
            "last_public_update_at",
            "last_public_update",
        )
    )
    status_labels = dict(ActionStatus.choices)
    in_scope = [a for a in actions if a["in_scope"]]
    priority_ids_with_actions = {a["priority_id"] for a in in_scope}
    priorities = []
    for priority in (
        Priority.objects.filter(cycle=cycle)
        .filter(Q(agreed_on__isnull=False) | Q(pk__in=priority_ids_with_actions))
        .order_by("title", "pk")
        .values("pk", "title", "description")
    ):
        priorities.append(
            {
                "title": priority["title"],
                "description": priority["description"],
                "actions": [
                    {
                        "title": a["title"],
                        "community_measure": a["community_measure"],
                        "due_date": a["due_date"],
                        "status": a["status"],
                        "status_label": status_labels.get(a["status"], ""),
                        "last_public_update_at": a["last_public_update_at"],
                        "last_public_update": a["last_public_update"] or "",
                    }
                    for a in in_scope
                    if a["priority_id"] == priority["pk"]
                ],
            }
        )
    out_of_scope = [
        {"title": a["title"], "reason": a["out_of_scope_reason"]}
        for a in actions
        if not a["in_scope"]
    ]

    report_backs = (
        ReportBack.objects.filter(cycle=cycle, published_at__isnull=False)
        .order_by("published_at", "pk")
        .prefetch_related(
            Prefetch(
                "insights",
                queryset=Insight.objects.filter(sensitivity=Sensitivity.NORMAL).order_by(
                    "captured_at", "pk"
                ),
            ),
            Prefetch("themes", queryset=Theme.objects.order_by("name")),
            Prefetch(
                "actions",
                queryset=Action.objects.filter(plan__status__in=SIGNED_STATUSES).order_by(
                    "title", "pk"
                ),
            ),
            Prefetch(
                "progress_updates",
                queryset=ProgressUpdate.objects.filter(
                    public=True, action__plan__status__in=SIGNED_STATUSES
                )
                .select_related("action")
                .order_by("created_at", "pk"),
            ),
        )
    )
    return {
        "title": cycle.title,
        "place": cycle.place,
        "summary": page.summary,
        "how_to_get_involved": page.how_to_get_involved,
        "priorities": priorities,
        "out_of_scope": out_of_scope,
        "report_backs": [
            {
                "title": rb.title,
                "body": rb.body,
                "published_on": timezone.localdate(rb.published_at),
                "channels": rb.channel_labels(),
                "audience": rb.audience,
                "themes": [t.name for t in rb.themes.all()],
                "insights": [
                    {
                        "summary": i.summary,
                        "quote": i.quote,
                        "attribution": _attribution(i),
                    }
                    for i in rb.insights.all()
                ],
                "actions": [
                    {"title": a.title, "status_label": a.get_status_display()}
                    for a in rb.actions.all()
                ],
                "updates": [
                    {
                        "action": u.action.title,
                        "date": u.created_at,
                        "narrative": u.narrative,
                    }
                    for u in rb.progress_updates.all()
                ],
            }
            for rb in report_backs
        ],
    }
