"""Reads of the trust pulse: a short anonymous survey per cycle, reached through a
shareable link (the writes are in services/pulse.py).

Community participants rate the organisation from 1 to 5 on the six things trust is made
of here (`models.PULSE_QUESTIONS`) and may add a comment. Staff read the results per
cycle, with the trend across the cycle's iterations; the annual-evaluation PDF reads
`pulse_report_data`.

The link carries a token derived from the survey's random nonce with the SECRET_KEY (an
HMAC, as Django's signing does). Only its SHA-256 hash is stored to look a visitor's link
up by, so a copy of the database alone cannot answer a survey, yet staff can be shown the
same link again whenever they need to copy it (nothing to keep secret in the database).

A browser that has answered carries a signed cookie that names nothing (set by
`services.pulse.pulse_answered_remember`): the response row stores no IP address, user
agent, session or user, and only the day it was given.
"""

import base64
import hashlib

from django.conf import settings
from django.db.models import Avg, Count, Q, QuerySet
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare, salted_hmac

from cycles.models import Cycle
from cycles.selectors.cycles import cycle_iterations

from ..models import PULSE_FIELDS, PULSE_QUESTIONS, PULSE_SCALE, PulseResponse, PulseSurvey

TOKEN_SALT = "t2a.feedback.pulse-token"
COOKIE_NAME = "t2a_pulse"
COOKIE_SALT = "t2a.feedback.pulse-answered"


# --- the link's token ----------------------------------------------------------------------


def token_derive(nonce: str, secret: str) -> str:
    """The token in a survey's link, from its nonce and a SECRET_KEY."""
    digest = salted_hmac(TOKEN_SALT, nonce, secret=secret, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def survey_token(survey: PulseSurvey) -> str | None:
    """The token in the survey's link, re-derived; None if the SECRET_KEY it was made with
    is gone (the old link still works by its hash, but staff must make a new one to copy)."""
    for secret in (settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", ())):
        token = token_derive(survey.token_nonce, secret)
        if constant_time_compare(token_hash(token), survey.token_hash):
            return token
    return None


# --- the survey -----------------------------------------------------------------------------


def survey_for(cycle: Cycle) -> PulseSurvey | None:
    return PulseSurvey.objects.filter(cycle=cycle).first()


def survey_for_link(cycle_slug: str, token: str) -> PulseSurvey | None:
    """The survey a public link points at, in the current organisation's scope; None for an
    unknown token, another cycle's token or an unknown cycle alike."""
    if not 20 <= len(token) <= 100:
        return None
    return (
        PulseSurvey.objects.select_related("cycle")
        .filter(token_hash=token_hash(token), cycle__slug=cycle_slug)
        .first()
    )


def cookie_salt(survey: PulseSurvey) -> str:
    """The salt of the answered-cookie: one per link, so a new link asks again."""
    return f"{COOKIE_SALT}:{survey.token_hash}"


def has_answered(request: HttpRequest, survey: PulseSurvey) -> bool:
    """Whether this browser has answered this link since it was opened."""
    value = request.get_signed_cookie(COOKIE_NAME, default=None, salt=cookie_salt(survey))
    return value == "answered"


# --- results --------------------------------------------------------------------------------


def _aggregates(responses: QuerySet[PulseResponse]) -> dict:
    """Count, average per question and the count of each rating, in one query."""
    expressions = {"responses": Count("pk")}
    for field in PULSE_FIELDS:
        expressions[f"{field}__avg"] = Avg(field)
        for value in PULSE_SCALE:
            expressions[f"{field}__{value}"] = Count("pk", filter=Q(**{field: value}))
    return responses.aggregate(**expressions)


def _average(value) -> float | None:
    return None if value is None else round(float(value), 2)


def survey_results(survey: PulseSurvey | None) -> dict:
    """Responses, and per question its average and distribution, for the results page."""
    if survey is None:
        totals = {"responses": 0}
    else:
        totals = _aggregates(PulseResponse.objects.filter(survey=survey))
    count = totals["responses"]
    questions = []
    for q in PULSE_QUESTIONS:
        counts = [totals.get(f"{q.field}__{v}", 0) for v in PULSE_SCALE]
        questions.append(
            {
                "field": q.field,
                "label": q.label,
                "explanation": q.explanation,
                "average": _average(totals.get(f"{q.field}__avg")),
                "distribution": [
                    {
                        "value": value,
                        "count": n,
                        "percent": round(100 * n / count) if count else 0,
                    }
                    for value, n in zip(PULSE_SCALE, counts, strict=True)
                ],
            }
        )
    return {"responses": count, "questions": questions}


def survey_comments(survey: PulseSurvey | None) -> QuerySet[PulseResponse]:
    """The free-text comments, newest first. Staff only: people may have typed anything."""
    if survey is None:
        return PulseResponse.objects.none()
    return PulseResponse.objects.filter(survey=survey).exclude(comment="").order_by("-pk")


def pulse_iterations(cycle: Cycle) -> list[Cycle]:
    """The cycle's chain of iterations (linked by `previous_iteration`), oldest first."""
    return cycle_iterations(cycle)


def pulse_trend(cycle: Cycle) -> list[dict]:
    """Average per question for each iteration of the cycle, oldest first."""
    chain = pulse_iterations(cycle)
    rows = (
        PulseResponse.objects.filter(survey__cycle__in=[c.pk for c in chain])
        .values("survey__cycle_id")
        .annotate(responses=Count("pk"), **{f: Avg(f) for f in PULSE_FIELDS})
        .order_by()
    )
    by_cycle = {row["survey__cycle_id"]: row for row in rows}
    trend = []
    for iteration in chain:
        row = by_cycle.get(iteration.pk, {})
        trend.append(
            {
                "cycle": iteration,
                "responses": row.get("responses", 0),
                "averages": {q.label: _average(row.get(q.field)) for q in PULSE_QUESTIONS},
            }
        )
    return trend


def pulse_report_data(cycle: Cycle) -> dict:
    """The cycle's trust pulse as plain data, for the annual-evaluation report.

    {"responses": int,
     "averages": [{"label": str, "average": float | None}, ...] (the six, in order),
     "trend": [{"cycle": title, "averages": {label: float | None}}, ...] oldest first,
     "comments": [str, ...] (oldest first)}
    """
    survey = survey_for(cycle)
    results = survey_results(survey)
    return {
        "responses": results["responses"],
        "averages": [{"label": q["label"], "average": q["average"]} for q in results["questions"]],
        "trend": [
            {"cycle": row["cycle"].title, "averages": row["averages"]} for row in pulse_trend(cycle)
        ],
        "comments": list(survey_comments(survey).order_by("pk").values_list("comment", flat=True)),
    }


# --- the trend chart (server-rendered SVG) ------------------------------------------------

CHART_WIDTH = 600
BAR_HEIGHT = 14
LINE = 18  # one line of text


def trend_chart(trend: list[dict], current: Cycle) -> dict:
    """Geometry for a horizontal bar per iteration under each question, scaled 0 to 5."""
    blocks = []
    y = 0
    for q in PULSE_QUESTIONS:
        y += LINE + 4
        block = {"label": q.label, "label_y": y, "bars": []}
        for row in trend:
            average = row["averages"][q.label]
            text_y = y + LINE
            bar_y = text_y + 6
            block["bars"].append(
                {
                    "title": row["cycle"].title,
                    "average": average,
                    "text_y": text_y,
                    "y": bar_y,
                    "width": 0 if average is None else round(average / 5 * CHART_WIDTH, 1),
                    "is_current": row["cycle"].pk == current.pk,
                }
            )
            y = bar_y + BAR_HEIGHT
        y += 12
        blocks.append(block)
    return {"width": CHART_WIDTH, "height": y, "bar_height": BAR_HEIGHT, "blocks": blocks}
