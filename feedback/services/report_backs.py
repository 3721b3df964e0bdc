"""Writes for report-backs ("you said, we did"): save a draft with what it answers and
reports, and publish it, which answers its insight and changes the public page.

Every function validates before it writes and writes inside one transaction, so a refused
change leaves nothing behind. Errors are ValidationErrors keyed by the form field.
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cycles.services.versions import cycle_changed
from t2a.models import User

from ..models import Channel, Insight, ReportBack, Theme
from ..selectors.report_backs import ReportBackLink, report_back_links
from .insight import insights_mark_answered


def _links_chosen(links: dict[str, Iterable] | None) -> list[tuple[type[ReportBackLink], list]]:
    """The registered kinds of "we did" named in `links`, each with its rows as a list."""
    links = dict(links or {})
    chosen = [
        (link, list(links.pop(link.name))) for link in report_back_links() if link.name in links
    ]
    if links:
        raise ValueError(f"No report-back link is registered as {sorted(links)}.")
    return chosen


def report_back_errors(
    report_back: ReportBack, *, insights, themes, links: dict[str, Iterable] | None = None
) -> dict[str, list[str]]:
    """Rules that reach other rows: everything chosen belongs to this cycle; channels known.

    `links` holds the rows chosen for each kind of "we did" (selectors.report_backs
    REPORT_BACK_LINK), by its name; each kind says what is wrong with its own rows.
    """
    errors: dict[str, list[str]] = {}
    cycle_id = report_back.cycle_id
    if any(i.cycle_id != cycle_id for i in insights):
        errors["insights"] = ["Choose insight from this cycle."]
    if any(t.cycle_id != cycle_id for t in themes):
        errors["themes"] = ["Choose themes from this cycle."]
    for link, rows in _links_chosen(links):
        found = link.errors(report_back, rows)
        if found:
            errors[link.name] = found
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
    links: dict[str, Iterable] | None = None,
    actor: User,
) -> ReportBack:
    """Create or change a report-back and what it answers and reports, or raise and save nothing.

    `links` holds the rows chosen for each kind of "we did" by its name (`{"actions": [...]}`);
    a kind left out keeps what it had. Changing a published report-back changes the public
    page at once; insight newly added to it is answered now.
    """
    insights, themes = list(insights), list(themes)
    chosen = _links_chosen(links)
    report_back.title = report_back.title.strip()
    report_back.other_channel = (
        report_back.other_channel.strip() if Channel.OTHER in report_back.channels else ""
    )
    errors = report_back_errors(
        report_back,
        insights=insights,
        themes=themes,
        links={link.name: rows for link, rows in chosen},
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
    for link, rows in chosen:
        link.save(report_back, rows)
    if report_back.is_published:
        _answer(report_back, at=timezone.now())
    cycle_changed(report_back.cycle_id)
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
    cycle_changed(report_back.cycle_id)
    return report_back


def _answer(report_back: ReportBack, *, at) -> int:
    return insights_mark_answered(
        insights=Insight.objects.filter(pk__in=report_back.insights.values("pk")),
        note=f"Answered by the report-back \u201c{report_back.title}\u201d",
        at=at,
    )
