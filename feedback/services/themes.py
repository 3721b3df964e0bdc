"""Writes for themes: names typed with insight become the cycle's themes, and two themes
merge into one. Also the plug-in point `THEME_MERGED`, read by `theme_merge`."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef

from cycles.models import Cycle
from cycles.services.versions import cycle_changed
from t2a.models import User
from t2a.registry import registry, resolve

from ..models import THEME_NAME_MAX, Insight, InsightTheme, Theme

MAX_THEMES_PER_INSIGHT = 10

# Plug-in point: a callable `(*, source: Theme, target: Theme) -> None` that moves onto
# `target` whatever a later stage links to `source` (actions: the priorities drawn from it).
# Called by `theme_merge` inside its transaction, after the insight has moved and before
# `source` is deleted (which would otherwise drop those links).
THEME_MERGED = "feedback.theme_merged"


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


def theme_names_resolve(*, cycle: Cycle, names: list[str], actor: User | None) -> list[Theme]:
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


def insight_themes_set(*, insight: Insight, themes: list[Theme]) -> None:
    """Tag the insight with exactly these themes."""
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
    # What later stages drew from the old theme now draws from the one it was merged into.
    for extension in registry.extensions(THEME_MERGED):
        resolve(extension.target)(source=source, target=target)
    source.delete()
    cycle_changed(target.cycle_id)
    return moved
