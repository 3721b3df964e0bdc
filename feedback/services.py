"""Writes for listening: activities, insight capture, themes and insight closure.

Every function validates before it writes and writes inside one transaction, so a refused
change leaves nothing behind. Errors are ValidationErrors keyed by the form field.
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from t2a.models import User

from .models import THEME_NAME_MAX, EngagementActivity, Insight, InsightTheme, Theme

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


@transaction.atomic
def insight_mark_answered(*, insight: Insight, note: str = "", at=None) -> Insight:
    """Record that a priority, action or report-back answers this insight.

    For the apps that answer insight (actions, report-backs) to call. Answering clears an
    earlier "out of scope": the insight was acted on after all.
    """
    insight.answered_at = at or timezone.now()
    insight.answered_note = note[:300]
    insight.out_of_scope_at = None
    insight.out_of_scope_reason = ""
    insight.out_of_scope_by = None
    insight.save(
        update_fields=[
            "answered_at",
            "answered_note",
            "out_of_scope_at",
            "out_of_scope_reason",
            "out_of_scope_by",
        ]
    )
    return insight
