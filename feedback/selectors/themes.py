"""Reads of themes: the synthesis page, suggestions while typing, and who may see which."""

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from cycles.models import Cycle
from cycles.selectors.cycles import cycles_visible_to
from t2a.models import Membership
from t2a.text import clean_text, text_search

from ..models import Insight, InsightTheme, Theme
from .insight import insights_visible_to


def themes_visible_to(membership: Membership) -> QuerySet[Theme]:
    return Theme.objects.filter(cycle__in=cycles_visible_to(membership))


def get_theme_for_request(request: HttpRequest, theme_pk: int) -> Theme:
    return get_object_or_404(
        themes_visible_to(request.membership).select_related("cycle"), pk=theme_pk
    )


def theme_suggestions(*, cycle: Cycle, text: str, exclude: Sequence[str] = (), limit: int = 8):
    """Themes of the cycle whose name contains `text`, best matches first."""
    text = clean_text(text)
    if not text:
        return []
    taken = {name.casefold() for name in exclude}
    themes = Theme.objects.filter(text_search(("name",), text), cycle=cycle).order_by("name")[
        : limit * 2
    ]
    ranked = sorted(
        (t for t in themes if t.name.casefold() not in taken),
        key=lambda t: (not t.name.casefold().startswith(text.casefold()), t.name.casefold()),
    )
    return ranked[:limit]


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
