"""Trust pulse views: staff open, close and read a cycle's survey under
/o/<slug>/listening/; anyone with the link answers it under /p/<slug>/ (no sign-in)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cycles.models import Cycle
from cycles.selectors.cycles import get_cycle_for_request
from t2a.links import absolute_url
from t2a.tenancy import allowed_by, tenant_public

from .. import policies
from ..forms.pulse import PulseForm
from ..models import PULSE_QUESTIONS, PulseSurvey
from ..selectors.pulse import (
    has_answered,
    pulse_trend,
    survey_comments,
    survey_for,
    survey_for_link,
    survey_results,
    survey_token,
    trend_chart,
)
from ..services.pulse import (
    pulse_answered_remember,
    pulse_rate_limit_take,
    pulse_response_record,
    pulse_survey_close,
    pulse_survey_new_link,
    pulse_survey_open,
)

COMMENTS_PER_PAGE = 50


def _results_url(request: HttpRequest, cycle: Cycle) -> str:
    return reverse("feedback:pulse", args=[request.organisation.slug, cycle.pk])


def survey_link(request: HttpRequest, survey: PulseSurvey) -> str | None:
    """The survey's public link to copy, or None when it can no longer be re-derived."""
    token = survey_token(survey)
    if token is None:
        return None
    path = reverse("public:pulse", args=[request.organisation.slug, survey.cycle.slug, token])
    return absolute_url(path)


# --- staff ----------------------------------------------------------------------------------


@require_GET
@allowed_by(policies.can_view_pulse)
def pulse_results(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    survey = survey_for(cycle)
    if survey is not None:
        survey.cycle = cycle
    can_manage = policies.can_manage_pulse(request.membership)
    trend = pulse_trend(cycle)
    context = {
        "cycle": cycle,
        "survey": survey,
        "results": survey_results(survey),
        "trend": trend,
        "chart": trend_chart(trend, cycle),
        "has_trend_answers": any(row["responses"] for row in trend),
        "questions": PULSE_QUESTIONS,
        "can_manage": can_manage,
        "link": survey_link(request, survey) if can_manage and survey else None,
        "comments": Paginator(survey_comments(survey), COMMENTS_PER_PAGE).get_page(
            request.GET.get("page")
        )
        if can_manage
        else None,
    }
    return render(request, "feedback/pulse/results.html", context)


@require_POST
@allowed_by(policies.can_manage_pulse)
def pulse_open(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    was = survey_for(cycle)
    pulse_survey_open(cycle=cycle, actor=request.user)
    if was is None:
        messages.success(request, "Trust pulse open. Copy the link below and share it.")
    else:
        messages.success(request, "Trust pulse open again. The link is the same as before.")
    return redirect(_results_url(request, cycle))


@require_POST
@allowed_by(policies.can_manage_pulse)
def pulse_close(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    survey = survey_for(cycle)
    if survey is None:
        raise Http404("No trust pulse for this cycle.")
    pulse_survey_close(survey=survey, actor=request.user)
    messages.success(request, "Trust pulse closed. Its link now says it has closed.")
    return redirect(_results_url(request, cycle))


@require_POST
@allowed_by(policies.can_manage_pulse)
def pulse_new_link(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    survey = survey_for(cycle)
    if survey is None:
        raise Http404("No trust pulse for this cycle.")
    pulse_survey_new_link(survey=survey, actor=request.user)
    messages.success(request, "New link made. The old link no longer works.")
    return redirect(_results_url(request, cycle))


# --- public ---------------------------------------------------------------------------------


def _public(request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    response = render(request, f"feedback/pulse/{template}", context, status=status)
    # The link is a secret of sorts: keep it out of search engines.
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@tenant_public
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def pulse_answer(request: HttpRequest, cycle_slug: str, token: str) -> HttpResponse:
    """The anonymous survey behind a shared link. Never reads or starts a session."""
    survey = survey_for_link(cycle_slug, token)
    if survey is None:
        raise Http404("No survey here.")
    context = {"cycle": survey.cycle}
    if not survey.is_open:
        return _public(
            request, "closed.html", context, status=409 if request.method == "POST" else 200
        )
    if has_answered(request, survey):
        return _public(request, "thanks.html", context)
    form = PulseForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            if not pulse_rate_limit_take(survey=survey):
                return _public(request, "busy.html", context, status=429)
            try:
                pulse_response_record(
                    survey=survey, ratings=form.ratings(), comment=form.cleaned_data["comment"]
                )
            except ValidationError:
                # Closed between the check above and now.
                return _public(request, "closed.html", context, status=409)
            response = redirect(request.path)
            pulse_answered_remember(response=response, survey=survey, path=request.path)
            return response
    return _public(request, "answer.html", context | {"form": form}, status=status)
