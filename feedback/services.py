"""Writes for listening: activities, insight capture, themes and insight closure.

Every function validates before it writes and writes inside one transaction, so a refused
change leaves nothing behind. Errors are ValidationErrors keyed by the form field.
"""

from collections.abc import Iterable

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import DateTimeField, Exists, F, OuterRef, QuerySet, Value
from django.db.models.functions import Greatest
from django.utils import timezone

from cycles.models import Cycle
from t2a.models import User

from .models import (
    SHORT_TEXT,
    THEME_NAME_MAX,
    Channel,
    EngagementActivity,
    Insight,
    InsightTheme,
    PublicPage,
    ReportBack,
    Theme,
)
from .selectors import public_page_cache_key

MAX_THEMES_PER_INSIGHT = 10

NAME_NEEDS_CONSENT = (
    "To credit someone by name, tick that they agreed to be credited. Otherwise leave "
    "the name empty and the insight will show as from \u201ca community member\u201d."
)


# --- activities ---------------------------------------------------------------------------


def activity_errors(activity: EngagementActivity) -> dict[str, list[str]]:
    """Rules that span fields or reach the cycle; the model's own rules come from full_clean."""
    errors: dict[str, list[str]] = {}
    cycle = activity.cycle
    if cycle.start_date and activity.held_on and activity.held_on < cycle.start_date:
        errors["held_on"] = [
            f"The date must be on or after the cycle started ({cycle.start_date:%-d %B %Y})."
        ]
    if activity.participants is not None and activity.participants < 0:
        errors["participants"] = ["The number of participants must be 0 or more."]
    reach = activity.reach or {}
    groups = set(cycle.population_groups or [])
    bad = []
    for group, count in reach.items():
        if group not in groups:
            bad.append(f"\u201c{group}\u201d is not one of this cycle's population groups.")
        elif not isinstance(count, int) or count < 0:
            bad.append(f"The number reached for {group} must be 0 or more.")
        elif activity.participants is None:
            bad.append("Enter the number of participants before counting reach by group.")
        elif count > activity.participants:
            bad.append(
                f"The number reached for {group} ({count}) is more than the "
                f"{activity.participants} participants."
            )
    if bad:
        errors["reach"] = bad
    return errors


@transaction.atomic
def activity_save(
    *, activity: EngagementActivity, facilitators: Iterable[User], actor: User
) -> EngagementActivity:
    """Create or update an activity and its facilitators, or raise and save nothing."""
    errors = activity_errors(activity)
    try:
        activity.full_clean(exclude=["created_by"])
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    if activity.pk is None:
        activity.created_by = actor
    activity.save()
    activity.facilitators.set(list(facilitators))
    return activity


# --- themes -------------------------------------------------------------------------------


def theme_names_split(text: str) -> list[str]:
    """Comma- or semicolon-separated names, tidied, without case-insensitive repeats."""
    names: dict[str, str] = {}
    for part in text.replace(";", ",").replace("\n", ",").split(","):
        name = " ".join(part.split())
        if name and name.casefold() not in names:
            names[name.casefold()] = name
    return list(names.values())


def theme_names_errors(names: list[str]) -> list[str]:
    errors = []
    if len(names) > MAX_THEMES_PER_INSIGHT:
        errors.append(f"Choose {MAX_THEMES_PER_INSIGHT} themes or fewer.")
    for name in names:
        if len(name) > THEME_NAME_MAX:
            errors.append(
                f"Theme names must be {THEME_NAME_MAX} characters or fewer: "
                f"\u201c{name[:30]}\u2026\u201d is too long."
            )
    return errors


def theme_names_resolve(*, cycle, names: list[str], actor: User | None) -> list[Theme]:
    """The cycle's themes with these names, creating the missing ones (case-insensitive)."""
    themes = []
    for name in names:
        theme = Theme.objects.filter(cycle=cycle, name__iexact=name).first()
        if theme is None:
            try:
                # Two people may create the same new theme at once: the unique constraint
                # lets one win, and the other picks up the winner's row.
                with transaction.atomic():
                    theme = Theme.objects.create(
                        organisation_id=cycle.organisation_id,
                        cycle=cycle,
                        name=name,
                        created_by=actor,
                    )
            except IntegrityError:
                theme = Theme.objects.get(cycle=cycle, name__iexact=name)
        themes.append(theme)
    return themes


def _set_themes(insight: Insight, themes: list[Theme]) -> None:
    wanted = {t.pk for t in themes}
    InsightTheme.objects.filter(insight=insight).exclude(theme__in=wanted).delete()
    have = set(InsightTheme.objects.filter(insight=insight).values_list("theme_id", flat=True))
    InsightTheme.objects.bulk_create(
        InsightTheme(organisation_id=insight.organisation_id, insight=insight, theme_id=pk)
        for pk in wanted - have
    )


@transaction.atomic
def theme_merge(*, source: Theme, target: Theme) -> int:
    """Move every insight of `source` to `target` and delete `source`. Returns insights moved.

    An insight tagged with both keeps one link to `target`; nothing points at `source`
    afterwards.
    """
    if source.pk == target.pk:
        raise ValidationError({"target": "Choose a different theme to merge into."})
    if source.cycle_id != target.cycle_id:
        raise ValidationError({"target": "Themes can only be merged within one cycle."})
    # Lock both so a capture tagging `source` mid-merge waits, then finds it gone.
    list(Theme.objects.select_for_update().filter(pk__in=[source.pk, target.pk]))
    moving = InsightTheme.objects.filter(theme=source).exclude(
        Exists(
            InsightTheme.objects.filter(insight=OuterRef("insight"), theme=target),
        )
    )
    moved = moving.update(theme=target)
    # Priorities drawn from the old theme now draw from the one it was merged into.
    priority_links = Theme.priorities.through.objects
    already = priority_links.filter(theme=target).values("priority_id")
    priority_links.filter(theme=source).exclude(priority_id__in=already).update(theme=target)
    source.delete()
    return moved


# --- insight ------------------------------------------------------------------------------


def insight_errors(insight: Insight, *, credit_consent: bool, theme_names: list[str]) -> dict:
    errors: dict[str, list[str]] = {}
    if insight.contributor_name.strip() and not credit_consent:
        errors["credit_consent"] = [NAME_NEEDS_CONSENT]
    activity = insight.activity
    if activity is not None and activity.cycle_id != insight.cycle_id:
        errors["activity"] = ["Choose an activity of this cycle."]
    groups = insight.cycle.population_groups or []
    if insight.population_group and insight.population_group not in groups:
        errors["population_group"] = ["Choose one of this cycle's population groups."]
    theme_errors = theme_names_errors(theme_names)
    if theme_errors:
        errors["themes"] = theme_errors
    return errors


@transaction.atomic
def insight_save(
    *, insight: Insight, theme_names: list[str], credit_consent: bool, actor: User
) -> Insight:
    """Capture new insight or save changes, with its themes; refuse a name without consent.

    Consent to be credited is stamped with when and by whom it was recorded; removing the
    name removes the consent record with it.
    """
    insight.contributor_name = insight.contributor_name.strip()
    errors = insight_errors(insight, credit_consent=credit_consent, theme_names=theme_names)
    if insight.contributor_name:
        before = (
            Insight.objects.filter(pk=insight.pk).values_list("contributor_name", flat=True).first()
            if insight.pk
            else None
        )
        # Consent belongs to the person named: naming someone else needs it afresh.
        if insight.credit_consent_at is None or before != insight.contributor_name:
            insight.credit_consent_at = timezone.now()
            insight.credit_consent_recorded_by = actor
    else:
        insight.credit_consent_at = None
        insight.credit_consent_recorded_by = None
    if insight.pk is None:
        insight.captured_by = actor
    try:
        insight.full_clean(exclude=["captured_by", "credit_consent_recorded_by", "out_of_scope_by"])
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    insight.save()
    _set_themes(insight, theme_names_resolve(cycle=insight.cycle, names=theme_names, actor=actor))
    return insight


@transaction.atomic
def insight_mark_out_of_scope(*, insight: Insight, reason: str, actor: User) -> Insight:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why this insight is out of scope."})
    if insight.answered_at is not None or getattr(insight, "linked_to_priority", False):
        raise ValidationError({"reason": "This insight has already been answered."})
    insight.out_of_scope_at = timezone.now()
    insight.out_of_scope_reason = reason
    insight.out_of_scope_by = actor
    insight.full_clean(exclude=["captured_by", "credit_consent_recorded_by", "out_of_scope_by"])
    insight.save(update_fields=["out_of_scope_at", "out_of_scope_reason", "out_of_scope_by"])
    return insight


@transaction.atomic
def insight_reopen(*, insight: Insight) -> Insight:
    """Take an insight back out of "out of scope": it counts as unanswered again."""
    insight.out_of_scope_at = None
    insight.out_of_scope_reason = ""
    insight.out_of_scope_by = None
    insight.save(update_fields=["out_of_scope_at", "out_of_scope_reason", "out_of_scope_by"])
    return insight


def insights_mark_answered(*, insights: QuerySet[Insight], note: str = "", at=None) -> int:
    """Record that a priority, action or report-back answers these insights. Returns how many
    were newly answered.

    The first answer counts: an insight already answered keeps its `answered_at`, because
    the feedback-loop latency runs from capture to the first public report-back. Answering
    clears an earlier "out of scope": the insight was acted on after all. One UPDATE, so a
    report-back answering hundreds of insights costs the same as one.
    """
    at = at or timezone.now()
    return insights.filter(answered_at__isnull=True).update(
        # Never before capture (the check constraint): an insight captured with a clock
        # slightly ahead still gets answered.
        answered_at=Greatest(Value(at, output_field=DateTimeField()), F("captured_at")),
        answered_note=note[:SHORT_TEXT],
        out_of_scope_at=None,
        out_of_scope_reason="",
        out_of_scope_by=None,
        updated_at=timezone.now(),
    )


@transaction.atomic
def insight_mark_answered(*, insight: Insight, note: str = "", at=None) -> Insight:
    """Record that a priority, action or report-back answers this insight (see above)."""
    insights_mark_answered(insights=Insight.objects.filter(pk=insight.pk), note=note, at=at)
    insight.refresh_from_db(
        fields=[
            "answered_at",
            "answered_note",
            "out_of_scope_at",
            "out_of_scope_reason",
            "out_of_scope_by",
        ]
    )
    return insight


# --- report-backs and the public page -----------------------------------------------------


def public_page_forget(cycle: Cycle) -> None:
    """Drop the cycle's cached public page now and again once the change has committed.

    Now, so this process's next read misses; after commit, because a visitor may have
    cached the old page from the old rows between the first delete and the commit.
    """
    key = public_page_cache_key(cycle.organisation_id, cycle.slug)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


def report_back_errors(
    report_back: ReportBack, *, insights, themes, actions, progress_updates
) -> dict[str, list[str]]:
    """Rules that reach other rows: everything chosen belongs to this cycle; channels known."""
    errors: dict[str, list[str]] = {}
    cycle_id = report_back.cycle_id
    if any(i.cycle_id != cycle_id for i in insights):
        errors["insights"] = ["Choose insight from this cycle."]
    if any(t.cycle_id != cycle_id for t in themes):
        errors["themes"] = ["Choose themes from this cycle."]
    if any(a.plan.cycle_id != cycle_id for a in actions):
        errors["actions"] = ["Choose actions from this cycle's plan."]
    bad_updates = [u for u in progress_updates if u.action.plan.cycle_id != cycle_id]
    if bad_updates:
        errors["progress_updates"] = ["Choose progress updates of this cycle's actions."]
    elif any(not u.public for u in progress_updates):
        errors["progress_updates"] = [
            "Only updates marked to share with the public can be reported back."
        ]
    known = set(Channel.values)
    if any(c not in known for c in report_back.channels):
        errors["channels"] = ["Choose channels from the list."]
    elif Channel.OTHER in report_back.channels and not report_back.other_channel.strip():
        errors["other_channel"] = ["Say which other channel you used."]
    return errors


@transaction.atomic
def report_back_save(
    *,
    report_back: ReportBack,
    insights: Iterable[Insight],
    themes: Iterable[Theme],
    actions: Iterable,
    progress_updates: Iterable,
    actor: User,
) -> ReportBack:
    """Create or change a report-back and what it answers and reports, or raise and save nothing.

    Changing a published report-back changes the public page at once; insight newly added
    to it is answered now.
    """
    insights, themes = list(insights), list(themes)
    actions, progress_updates = list(actions), list(progress_updates)
    report_back.title = report_back.title.strip()
    report_back.other_channel = (
        report_back.other_channel.strip() if Channel.OTHER in report_back.channels else ""
    )
    errors = report_back_errors(
        report_back,
        insights=insights,
        themes=themes,
        actions=actions,
        progress_updates=progress_updates,
    )
    if report_back.pk is None:
        report_back.created_by = actor
    try:
        report_back.full_clean(exclude=["created_by", "published_by"])
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    report_back.save()
    report_back.insights.set(insights)
    report_back.themes.set(themes)
    report_back.actions.set(actions)
    report_back.progress_updates.set(progress_updates)
    if report_back.is_published:
        _answer(report_back, at=timezone.now())
        public_page_forget(report_back.cycle)
    return report_back


def report_back_publish_errors(report_back: ReportBack) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not report_back.insights.exists() and not report_back.themes.exists():
        errors["insights"] = [
            "Choose the insight or themes this report-back answers (\u201cyou said\u201d) "
            "before you publish it."
        ]
    if not report_back.channels:
        errors["channels"] = ["Say which channels you used to tell people before you publish."]
    return errors


@transaction.atomic
def report_back_publish(*, report_back: ReportBack, actor: User) -> ReportBack:
    """Publish a report-back: it goes on the public page and answers its insight.

    The row is locked so two clicks publish once, at one time.
    """
    report_back = (
        ReportBack.objects.select_for_update().select_related("cycle").get(pk=report_back.pk)
    )
    if report_back.is_published:
        raise ValidationError({"__all__": ["This report-back has already been published."]})
    errors = report_back_publish_errors(report_back)
    if errors:
        raise ValidationError(errors)
    report_back.published_at = timezone.now()
    report_back.published_by = actor
    report_back.full_clean(exclude=["created_by", "published_by"])
    report_back.save(update_fields=["published_at", "published_by", "updated_at"])
    _answer(report_back, at=report_back.published_at)
    public_page_forget(report_back.cycle)
    return report_back


def _answer(report_back: ReportBack, *, at) -> int:
    return insights_mark_answered(
        insights=Insight.objects.filter(pk__in=report_back.insights.values("pk")),
        note=f"Answered by the report-back \u201c{report_back.title}\u201d",
        at=at,
    )


@transaction.atomic
def public_page_save(*, page: PublicPage, actor: User) -> PublicPage:
    """Save the public page's text and switch; it shows (or stops showing) at once."""
    page.summary = page.summary.strip()
    page.how_to_get_involved = page.how_to_get_involved.strip()
    errors: dict[str, list[str]] = {}
    if page.enabled:
        if not page.summary:
            errors["summary"] = [
                "Describe the inequality in a paragraph before you switch the page on."
            ]
        if not page.how_to_get_involved:
            errors["how_to_get_involved"] = [
                "Tell people how to get involved before you switch the page on."
            ]
    try:
        page.full_clean(exclude=["updated_by"])
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    if page.enabled and page.first_enabled_at is None:
        page.first_enabled_at = timezone.now()
    page.updated_by = actor
    page.save()
    public_page_forget(page.cycle)
    return page
