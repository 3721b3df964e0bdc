"""Writes for a cycle's priorities: drawing them from themes and insight, the community
leads' rankings and the agreed set."""

from collections.abc import Iterable, Sequence
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cycles.models import Cycle
from cycles.services.versions import cycle_changed
from feedback.models import Theme
from t2a.models import User

from ..models import Priority, PriorityInsight, PriorityRanking
from .plan import action_plan_content_changed, action_plan_lock


def _set_priority_links(priority: Priority, themes, insights) -> None:
    priority.themes.set(themes)
    wanted = {i.pk for i in insights}
    PriorityInsight.objects.filter(priority=priority).exclude(insight_id__in=wanted).delete()
    have = set(
        PriorityInsight.objects.filter(priority=priority).values_list("insight_id", flat=True)
    )
    PriorityInsight.objects.bulk_create(
        PriorityInsight(organisation_id=priority.organisation_id, priority=priority, insight_id=pk)
        for pk in sorted(wanted - have)
    )


def _check_links(cycle: Cycle, themes, insights) -> None:
    if any(t.cycle_id != cycle.pk for t in themes) or any(i.cycle_id != cycle.pk for i in insights):
        raise ValidationError("Themes and insight must come from this cycle.")


@transaction.atomic
def priority_create(
    *, cycle: Cycle, by: User, title: str, description: str = "", themes=(), insights=()
) -> Priority:
    _check_links(cycle, themes, insights)
    if Priority.objects.filter(cycle=cycle, title=title).exists():
        raise ValidationError({"title": "This cycle already has a priority with that title."})
    priority = Priority(
        organisation_id=cycle.organisation_id,
        cycle=cycle,
        title=title,
        description=description,
        created_by=by,
    )
    priority.full_clean()
    priority.save()
    _set_priority_links(priority, themes, insights)
    cycle_changed(cycle)
    return priority


@transaction.atomic
def priority_update(
    *, priority: Priority, by: User, title: str, description: str = "", themes=(), insights=()
) -> Priority:
    """Change a priority. Its title is plan content, so a new title may supersede sign-off."""
    plan = action_plan_lock(priority.cycle)
    _check_links(priority.cycle, themes, insights)
    if Priority.objects.filter(cycle=priority.cycle, title=title).exclude(pk=priority.pk).exists():
        raise ValidationError({"title": "This cycle already has a priority with that title."})
    priority.title = title
    priority.description = description
    priority.full_clean()
    priority.save()
    _set_priority_links(priority, themes, insights)
    if plan is not None:
        action_plan_content_changed(plan)
    cycle_changed(priority.cycle_id)
    return priority


@transaction.atomic
def priority_rank(*, cycle: Cycle, lead: User, order: Sequence[Priority]) -> None:
    """Replace this lead's ranking of the cycle's priorities with `order` (first = 1)."""
    if len({p.pk for p in order}) != len(order) or any(p.cycle_id != cycle.pk for p in order):
        raise ValidationError("Give each of this cycle's priorities one position.")
    PriorityRanking.objects.filter(cycle=cycle, lead=lead).delete()
    PriorityRanking.objects.bulk_create(
        PriorityRanking(
            organisation_id=cycle.organisation_id,
            cycle=cycle,
            lead=lead,
            priority=priority,
            position=n,
        )
        for n, priority in enumerate(order, start=1)
    )
    cycle_changed(cycle)


@transaction.atomic
def priorities_agree(
    *, cycle: Cycle, by: User, priorities: Iterable[Priority], agreed_on: date
) -> int:
    """Record the agreed set: these priorities, agreed on this date; the others are not."""
    chosen = [p.pk for p in priorities]
    if not chosen:
        raise ValidationError({"priorities": "Choose at least one agreed priority."})
    if agreed_on > timezone.localdate():
        raise ValidationError({"agreed_on": "The date agreed cannot be in the future."})
    Priority.objects.filter(cycle=cycle).exclude(pk__in=chosen).update(
        agreed_on=None, agreed_by=None
    )
    agreed = Priority.objects.filter(cycle=cycle, pk__in=chosen).update(
        agreed_on=agreed_on, agreed_by=by
    )
    cycle_changed(cycle)
    return agreed


def priority_themes_merge(*, source: Theme, target: Theme) -> None:
    """Priorities drawn from a theme merged away now draw from the one it was merged into."""
    links = Priority.themes.through.objects
    already = links.filter(theme=target).values("priority_id")
    links.filter(theme=source).exclude(priority_id__in=already).update(theme=target)
