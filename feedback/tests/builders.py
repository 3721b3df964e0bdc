"""Plain builders for listening test rows. They disable scopes only while building."""

from datetime import date, timedelta

from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from cycles.models import Cycle
from cycles.tests.builders import make_cycle
from feedback.models import (
    PULSE_FIELDS,
    ActivityMethod,
    ActivityStatus,
    Channel,
    EngagementActivity,
    Insight,
    InsightTheme,
    PublicPage,
    PulseResponse,
    RecordConsent,
    ReportBack,
    Sensitivity,
    Theme,
)
from feedback.selectors.pulse import survey_token
from feedback.services.pulse import pulse_survey_close, pulse_survey_open


def make_activity(cycle, title: str = "Pop-up at Eastside library", **fields) -> EngagementActivity:
    facilitators = fields.pop("facilitators", ())
    values = {
        "method": ActivityMethod.POP_UP,
        "held_on": date(2026, 3, 14),
        "status": ActivityStatus.HELD,
        "community_led": True,
        "participants": 12,
    } | fields
    with scopes_disabled():
        activity = EngagementActivity.objects.create(
            organisation_id=cycle.organisation_id, cycle=cycle, title=title, **values
        )
        activity.facilitators.set(facilitators)
    return activity


def make_theme(cycle, name: str = "Transport") -> Theme:
    with scopes_disabled():
        theme, _ = Theme.objects.get_or_create(
            organisation_id=cycle.organisation_id, cycle=cycle, name=name
        )
    return theme


def make_insight(cycle, summary: str = "The bus stops before the clinic opens.", **fields):
    themes = fields.pop("themes", ())
    fields.setdefault("captured_at", timezone.now())
    # Captured the way the form does it: the speaker agreed to it being recorded.
    fields.setdefault("record_consent", RecordConsent.IN_PERSON)
    if fields["record_consent"]:
        fields.setdefault("record_consent_at", fields["captured_at"])
    with scopes_disabled():
        insight = Insight.objects.create(
            organisation_id=cycle.organisation_id, cycle=cycle, summary=summary, **fields
        )
        InsightTheme.objects.bulk_create(
            InsightTheme(organisation_id=cycle.organisation_id, insight=insight, theme=t)
            for t in themes
        )
    return insight


def make_report_back(cycle, title: str = "What you told us about buses", **fields):
    """A report-back; `insights`, `themes` and any kind of "we did" a later stage links to
    it (`actions=[...]`) are set by name."""
    related = {
        name: fields.pop(name)
        for name in [f.name for f in ReportBack._meta.get_fields() if f.many_to_many]
        if name in fields
    }
    values = {
        "body": "You told us the bus stops before the clinic closes. We asked for a later bus.",
        "channels": [Channel.LETTER, Channel.WHATSAPP],
        "audience": "Families who came to the cafés",
    } | fields
    with scopes_disabled():
        report_back = ReportBack.objects.create(
            organisation_id=cycle.organisation_id, cycle=cycle, title=title, **values
        )
        for name, rows in related.items():
            getattr(report_back, name).set(rows)
    return report_back


def make_public_page(cycle, *, enabled: bool = True, **fields):
    values = {
        "summary": "Black mothers in Northgate are more likely to lose a baby.",
        "how_to_get_involved": "Come to a café at the library on Tuesdays.",
    } | fields
    with scopes_disabled():
        page, _ = PublicPage.objects.update_or_create(
            organisation_id=cycle.organisation_id,
            cycle=cycle,
            defaults={"enabled": enabled, **values},
        )
    return page


def make_pulse_survey(cycle, *, closed: bool = False, actor=None):
    """A trust pulse for the cycle, opened through the service; returns (survey, token)."""
    with scope(organisation=cycle.organisation_id):
        survey = pulse_survey_open(cycle=cycle, actor=actor)
        if closed:
            pulse_survey_close(survey=survey, actor=actor)
        return survey, survey_token(survey)


def make_pulse_responses(survey, ratings_list, comments=()):
    """Bulk answers: `ratings_list` is a list of six-tuples (or one tuple repeated)."""
    comments = list(comments)
    with scopes_disabled():
        return PulseResponse.objects.bulk_create(
            PulseResponse(
                organisation_id=survey.organisation_id,
                survey=survey,
                comment=comments[n] if n < len(comments) else "",
                **dict(zip(PULSE_FIELDS, ratings, strict=True)),
            )
            for n, ratings in enumerate(ratings_list)
        )


def make_iteration_chain(org, *titles: str) -> list[Cycle]:
    """Cycles each repeating the one before (`previous_iteration`), oldest first."""
    cycles = []
    for n, title in enumerate(titles):
        cycle = make_cycle(org, title, slug=f"iteration-{n + 1}")
        if cycles:
            with scopes_disabled():
                Cycle.objects.filter(pk=cycle.pk).update(previous_iteration=cycles[-1])
                cycle.refresh_from_db()
        cycles.append(cycle)
    return cycles


def grow_insight(cycle, activities, themes, total: int, captured_by) -> None:
    """Bring the cycle up to `total` insights, spread over activities, themes and groups;
    one in ten is sensitive."""
    with scopes_disabled():
        have = Insight.objects.filter(cycle=cycle).count()
        now = timezone.now()
        insights = Insight.objects.bulk_create(
            Insight(
                organisation_id=cycle.organisation_id,
                cycle=cycle,
                activity=activities[n % len(activities)],
                summary=f"Insight number {n}",
                population_group=cycle.population_groups[n % 2],
                sensitivity=Sensitivity.SENSITIVE if n % 10 == 5 else Sensitivity.NORMAL,
                captured_at=now - timedelta(minutes=n),
                captured_by=captured_by,
            )
            for n in range(have, total)
        )
        InsightTheme.objects.bulk_create(
            InsightTheme(
                organisation_id=cycle.organisation_id,
                insight=insight,
                theme=themes[(i + k) % len(themes)],
            )
            for i, insight in enumerate(insights)
            for k in range(2)
        )


def count_queries(client: Client, path: str, headers: dict | None = None) -> int:
    """The queries a GET of `path` makes when the page is drawn afresh (the stored copy
    of t2a.pagecache would hide what the view costs); the page must answer 200."""
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, headers=headers or {})
    assert response.status_code == 200, path
    return len(queries)
