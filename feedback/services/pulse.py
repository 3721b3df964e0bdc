"""Writes for the trust pulse: open, close and replace a cycle's survey link, record an
anonymous answer, and the per-browser and per-link limits on answering (the reads, the
token and what it is derived from are in selectors/pulse.py)."""

import secrets
import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone

from cycles.models import Cycle
from cycles.services.versions import cycle_changed
from t2a.models import User

from ..models import PULSE_FIELDS, PULSE_SCALE, PulseResponse, PulseSurvey
from ..selectors.pulse import COOKIE_NAME, cookie_salt, token_derive, token_hash

# Answers per link: at most this many in each window (seconds, answers). Generous enough for
# a busy community event passing the link round, tight enough that a script cannot bury
# the real answers.
RATE_LIMITS = ((60, 30), (60 * 60, 300))


def _new_token_fields() -> dict:
    nonce = secrets.token_urlsafe(32)
    return {
        "token_nonce": nonce,
        "token_hash": token_hash(token_derive(nonce, settings.SECRET_KEY)),
        "link_made_at": timezone.now(),
    }


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
        cycle_changed(cycle)
    return survey


def pulse_survey_close(*, survey: PulseSurvey, actor: User) -> PulseSurvey:
    """Close the survey: its link then says it has closed and takes no more answers."""
    if survey.is_open:
        survey.closed_at = timezone.now()
        survey.closed_by = actor
        survey.save(update_fields=["closed_at", "closed_by"])
        cycle_changed(survey.cycle_id)
    return survey


def pulse_survey_new_link(*, survey: PulseSurvey, actor: User) -> PulseSurvey:
    """Replace the link (say it was shared somewhere it should not be): the old one 404s."""
    for name, value in _new_token_fields().items():
        setattr(survey, name, value)
    survey.save(update_fields=["token_nonce", "token_hash", "link_made_at"])
    cycle_changed(survey.cycle_id)  # the cycle's pulse panel says when the link was made
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
        **{field: ratings.get(field) for field in PULSE_FIELDS},
    )
    errors = {}
    for field in PULSE_FIELDS:
        if ratings.get(field) not in PULSE_SCALE:
            errors[field] = ["Choose a number from 1 to 5."]
    if errors:
        raise ValidationError(errors)
    response.full_clean()
    response.save()
    cycle_changed(survey.cycle_id)
    return response


# --- once per browser session, and the rate limit -----------------------------------------


def pulse_answered_remember(*, response: HttpResponse, survey: PulseSurvey, path: str) -> None:
    """Remember in this browser, until it closes, that it has answered this link: a signed
    cookie limited to the link's own path that names nothing."""
    response.set_signed_cookie(
        COOKIE_NAME,
        "answered",
        salt=cookie_salt(survey),
        path=path,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def pulse_rate_limit_take(*, survey: PulseSurvey) -> bool:
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
