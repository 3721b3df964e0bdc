"""Listening's overview and each cycle's activity calendar; planning and editing
activities."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from cycles.models import Cycle
from cycles.selectors.cycles import get_cycle_for_request
from t2a.forms import add_errors
from t2a.htmx import render_form
from t2a.pagecache import page_cached
from t2a.tenancy import allowed_by

from .. import policies
from ..forms.activities import ActivityForm
from ..models import EngagementActivity
from ..selectors.activities import (
    cycle_activities,
    cycle_reach,
    cycles_with_listening,
    get_activity_for_request,
)
from ..selectors.insight import insight_closure, insight_list, insights_visible_to
from ..selectors.public_page import public_page_for
from ..services.activities import activity_save

INSIGHTS_PER_PAGE = 50


def _activity_url(request: HttpRequest, activity: EngagementActivity) -> str:
    return reverse("feedback:activity_detail", args=[request.organisation.slug, activity.pk])


@require_GET
@allowed_by(policies.can_view_listening)
def listening_home(request: HttpRequest) -> HttpResponse:
    cycles = cycles_with_listening(request.membership)
    return render(request, "feedback/activities/home.html", {"cycles": cycles})


@require_GET
@allowed_by(policies.can_view_listening)
@page_cached
def cycle_listening(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    return render(
        request,
        "feedback/activities/cycle.html",
        {
            "cycle": cycle,
            "activities": cycle_activities(cycle=cycle),
            "reach": cycle_reach(cycle=cycle),
            "closure": insight_closure(cycle)[cycle.pk],
            "public_page": public_page_for(cycle),
        },
    )


def _activity_form_page(
    request: HttpRequest, form: ActivityForm, cycle: Cycle, activity: EngagementActivity | None
) -> HttpResponse:
    return render_form(
        request,
        "feedback/activities/activity_form.html",
        {"form": form, "cycle": cycle, "activity": activity},
        form=form,
    )


def _save_activity(request: HttpRequest, form: ActivityForm) -> EngagementActivity | None:
    if not form.is_valid():
        return None
    activity = form.save(commit=False)
    activity.reach = form.reach()
    try:
        return activity_save(
            activity=activity, facilitators=form.cleaned_data["facilitators"], actor=request.user
        )
    except ValidationError as exc:
        add_errors(form, exc)
        return None


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_manage_activities)
def activity_create(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    activity = EngagementActivity(organisation=request.organisation, cycle=cycle)
    form = ActivityForm(request.POST or None, instance=activity, cycle=cycle)
    if request.method == "POST" and _save_activity(request, form):
        messages.success(request, f"{activity.title} added to the listening calendar.")
        return redirect(_activity_url(request, activity))
    return _activity_form_page(request, form, cycle, None)


@require_GET
@allowed_by(policies.can_view_listening)
def activity_detail(request: HttpRequest, activity_pk: int) -> HttpResponse:
    activity = get_activity_for_request(request, activity_pk)
    insights = insight_list(insights_visible_to(request.membership), activity_pk=activity.pk)
    page = Paginator(insights, INSIGHTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "feedback/activities/activity_detail.html",
        {
            "activity": activity,
            "cycle": activity.cycle,
            "page": page,
            "reach_rows": activity.reach_rows(activity.cycle.population_groups or []),
            "can_record": policies.can_record_insight_from(request.membership, activity),
        },
    )


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_manage_activities)
def activity_edit(request: HttpRequest, activity_pk: int) -> HttpResponse:
    activity = get_activity_for_request(request, activity_pk)
    cycle = activity.cycle
    form = ActivityForm(request.POST or None, instance=activity, cycle=cycle)
    if request.method == "POST" and _save_activity(request, form):
        messages.success(request, f"{activity.title} saved.")
        return redirect(_activity_url(request, activity))
    return _activity_form_page(request, form, cycle, activity)
