"""Plain builders for listening test rows. They disable scopes only while building."""

from datetime import date

from django.utils import timezone
from django_scopes import scopes_disabled

from feedback.models import EngagementActivity, Insight, InsightTheme, Theme


def make_activity(cycle, title: str = "Pop-up at Eastside library", **fields) -> EngagementActivity:
    facilitators = fields.pop("facilitators", ())
    values = {
        "method": "pop_up",
        "held_on": date(2026, 3, 14),
        "status": "held",
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
    from feedback.models import ReportBack

    related = {
        name: fields.pop(name, ()) for name in ("insights", "themes", "actions", "progress_updates")
    }
    values = {
        "body": "You told us the bus stops before the clinic closes. We asked for a later bus.",
        "channels": ["letter", "whatsapp"],
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
    from feedback.models import PublicPage

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
    from django_scopes import scope

    from feedback import pulse

    with scope(organisation=cycle.organisation_id):
        survey = pulse.pulse_survey_open(cycle=cycle, actor=actor)
        if closed:
            pulse.pulse_survey_close(survey=survey, actor=actor)
        return survey, pulse.survey_token(survey)


def make_pulse_responses(survey, ratings_list, comments=()):
    """Bulk answers: `ratings_list` is a list of six-tuples (or one tuple repeated)."""
    from feedback.models import PulseResponse
    from feedback.pulse import FIELDS

    comments = list(comments)
    with scopes_disabled():
        return PulseResponse.objects.bulk_create(
            PulseResponse(
                organisation_id=survey.organisation_id,
                survey=survey,
                comment=comments[n] if n < len(comments) else "",
                **dict(zip(FIELDS, ratings, strict=True)),
            )
            for n, ratings in enumerate(ratings_list)
        )
