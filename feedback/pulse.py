"""The trust pulse: a short anonymous survey per cycle, reached through a shareable link.

Community participants rate the organisation from 1 to 5 on the six things trust is made
of here (openness, fairness, consistency, understanding, ability, integrity) and may add a
comment. Staff open and close the survey and read the results per cycle, with the trend
across the cycle's iterations; the annual-evaluation PDF reads `pulse_report_data`.

The link carries a token derived from the survey's random nonce with the SECRET_KEY (an
HMAC, as Django's signing does). Only its SHA-256 hash is stored to look a visitor's link
up by, so a copy of the database alone cannot answer a survey, yet staff can be shown the
same link again whenever they need to copy it (nothing to keep secret in the database).

A browser that has answered gets a signed cookie that lasts until the browser is closed,
limited to the link's own path. It names nothing: the response row stores no IP address,
user agent, session or user, and only the day it was given.
"""

import base64
import hashlib
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Avg, Count, Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from cycles.models import Cycle
from cycles.selectors import cycle_iterations
from t2a.models import User

from .models import PulseResponse, PulseSurvey


@dataclass(frozen=True)
class Question:
    field: str
    label: str
    explanation: str


QUESTIONS = (
    Question("openness", "Openness", "They are honest with you about what they do and why."),
    Question("fairness", "Fairness", "They treat everyone fairly, whoever they are."),
    Question("consistency", "Consistency", "They do what they say they will do, every time."),
    Question(
        "understanding", "Understanding", "They understand your life and what matters to you."
    ),
    Question("ability", "Ability", "They have the skills and means to make things better."),
    Question("integrity", "Integrity", "They do the right thing, even when it is hard."),
)
FIELDS = tuple(q.field for q in QUESTIONS)
SCALE = (1, 2, 3, 4, 5)
SCALE_WORDS = {1: "Not at all", 2: "A little", 3: "Partly", 4: "Mostly", 5: "Completely"}

# Answers per link: at most this many in each window (seconds, answers). Generous enough for
# a busy community event passing the link round, tight enough that a script cannot bury
# the real answers.
RATE_LIMITS = ((60, 30), (60 * 60, 300))

TOKEN_SALT = "t2a.feedback.pulse-token"
COOKIE_NAME = "t2a_pulse"
COOKIE_SALT = "t2a.feedback.pulse-answered"


# --- the link's token ----------------------------------------------------------------------


def _derive(nonce: str, secret: str) -> str:
    digest = salted_hmac(TOKEN_SALT, nonce, secret=secret, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def survey_token(survey: PulseSurvey) -> str | None:
    """The token in the survey's link, re-derived; None if the SECRET_KEY it was made with
    is gone (the old link still works by its hash, but staff must make a new one to copy)."""
    for secret in (settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", ())):
        token = _derive(survey.token_nonce, secret)
        if constant_time_compare(token_hash(token), survey.token_hash):
            return token
    return None


def _new_token_fields() -> dict:
    nonce = secrets.token_urlsafe(32)
    return {
        "token_nonce": nonce,
        "token_hash": token_hash(_derive(nonce, settings.SECRET_KEY)),
        "link_made_at": timezone.now(),
    }


# --- reads ----------------------------------------------------------------------------------


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


def _aggregates(responses) -> dict:
    """Count, average per question and the count of each rating, in one query."""
    expressions = {"responses": Count("pk")}
    for field in FIELDS:
        expressions[f"{field}__avg"] = Avg(field)
        for value in SCALE:
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
    for q in QUESTIONS:
        counts = [totals.get(f"{q.field}__{v}", 0) for v in SCALE]
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
                    for value, n in zip(SCALE, counts, strict=True)
                ],
            }
        )
    return {"responses": count, "questions": questions}


def survey_comments(survey: PulseSurvey | None):
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
        .annotate(responses=Count("pk"), **{f: Avg(f) for f in FIELDS})
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
                "averages": {q.label: _average(row.get(q.field)) for q in QUESTIONS},
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
    for q in QUESTIONS:
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


# --- writes ---------------------------------------------------------------------------------


def pulse_survey_open(*, cycle: Cycle, actor: User) -> PulseSurvey:
    """Open the cycle's survey: make it (with a new link) or reopen it (same link)."""
    with transaction.atomic():
        survey = PulseSurvey.objects.select_for_update().filter(cycle=cycle).first()
        if survey is None:
            survey = PulseSurvey(organisation_id=cycle.organisation_id, cycle=cycle)
            for name, value in _new_token_fields().items():
                setattr(survey, name, value)
        elif survey.is_open:
            return survey
        survey.opened_at = timezone.now()
        survey.opened_by = actor
        survey.closed_at = None
        survey.closed_by = None
        survey.full_clean()
        survey.save()
    return survey


def pulse_survey_close(*, survey: PulseSurvey, actor: User) -> PulseSurvey:
    """Close the survey: its link then says it has closed and takes no more answers."""
    if survey.is_open:
        survey.closed_at = timezone.now()
        survey.closed_by = actor
        survey.save(update_fields=["closed_at", "closed_by"])
    return survey


def pulse_survey_new_link(*, survey: PulseSurvey, actor: User) -> PulseSurvey:
    """Replace the link (say it was shared somewhere it should not be): the old one 404s."""
    for name, value in _new_token_fields().items():
        setattr(survey, name, value)
    survey.save(update_fields=["token_nonce", "token_hash", "link_made_at"])
    return survey


def pulse_response_record(
    *, survey: PulseSurvey, ratings: dict[str, int], comment: str
) -> PulseResponse:
    """Save one anonymous answer; every rating from 1 to 5 or nothing is saved."""
    if not PulseSurvey.objects.filter(pk=survey.pk, closed_at__isnull=True).exists():
        raise ValidationError("This survey has closed.")
    response = PulseResponse(
        organisation_id=survey.organisation_id,
        survey=survey,
        comment=comment.strip(),
        **{field: ratings.get(field) for field in FIELDS},
    )
    errors = {}
    for field in FIELDS:
        if ratings.get(field) not in SCALE:
            errors[field] = ["Choose a number from 1 to 5."]
    if errors:
        raise ValidationError(errors)
    response.full_clean()
    response.save()
    return response


# --- once per browser session, and the rate limit -----------------------------------------


def _cookie_salt(survey: PulseSurvey) -> str:
    return f"{COOKIE_SALT}:{survey.token_hash}"


def has_answered(request: HttpRequest, survey: PulseSurvey) -> bool:
    value = request.get_signed_cookie(COOKIE_NAME, default=None, salt=_cookie_salt(survey))
    return value == "answered"


def mark_answered(response: HttpResponse, survey: PulseSurvey, path: str) -> None:
    """Remember in this browser, until it closes, that it has answered this link."""
    response.set_signed_cookie(
        COOKIE_NAME,
        "answered",
        salt=_cookie_salt(survey),
        path=path,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def rate_limit_allows(survey: PulseSurvey) -> bool:
    """Count one answer against the link's limits; False once a window is full."""
    now = int(time.time())
    allowed = True
    for seconds, limit in RATE_LIMITS:
        key = f"pulse-rate:{survey.token_hash[:32]}:{seconds}:{now // seconds}"
        cache.add(key, 0, seconds + 5)
        try:
            count = cache.incr(key)
        except ValueError:  # evicted between add and incr
            cache.set(key, 1, seconds + 5)
            count = 1
        if count > limit:
            allowed = False
    return allowed
