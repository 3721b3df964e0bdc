"""Insight: the list of a cycle's insight, quick capture on a phone, an insight's page and
edits, and closing it as out of scope."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods

from cycles.models import Cycle
from cycles.selectors.cycles import get_cycle_for_request
from t2a.forms import add_errors
from t2a.htmx import render_form
from t2a.pagecache import page_cached
from t2a.tenancy import allowed_by

from .. import policies
from ..forms.insight import InsightFilterForm, InsightForm, OutOfScopeForm
from ..models import Insight, Sensitivity
from ..selectors.activities import activities_facilitated_by, activities_visible_to
from ..selectors.insight import (
    get_insight_for_request,
    insight_taken_up_by,
    insights_visible_to,
)
from ..selectors.insight import (
    insight_list as insights_listed,
)
from ..selectors.themes import themes_visible_to
from ..services.insight import insight_mark_out_of_scope, insight_reopen, insight_save

INSIGHTS_PER_PAGE = 50


def _url(request: HttpRequest, name: str, *args, query: dict | None = None) -> str:
    url = reverse(f"feedback:{name}", args=[request.organisation.slug, *args])
    return f"{url}?{urlencode(query)}" if query else url


@require_GET
@allowed_by(policies.can_view_listening)
@page_cached
def insight_list(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    filters = InsightFilterForm(request.GET or None)
    closure = filters.cleaned_data["closure"] if filters.is_valid() else ""
    theme = None
    theme_pk = request.GET.get("theme", "")
    if theme_pk.isdigit():
        theme = themes_visible_to(request.membership).filter(cycle=cycle, pk=int(theme_pk)).first()
    insights = insights_listed(
        insights_visible_to(request.membership).filter(cycle=cycle),
        theme=theme,
        closure=closure,
    )
    page = Paginator(insights, INSIGHTS_PER_PAGE).get_page(request.GET.get("page"))
    query = {k: v for k, v in (("theme", theme.pk if theme else ""), ("closure", closure)) if v}
    context = {
        "cycle": cycle,
        "page": page,
        "theme": theme,
        "filters": filters,
        "closure": closure,
        "query": urlencode(query),
    }
    if request.htmx:
        return render(request, "feedback/insight/insight_list.html#results", context)
    return render(request, "feedback/insight/insight_list.html", context)


def _insight_form(request: HttpRequest, cycle: Cycle, *, data=None, initial=None) -> InsightForm:
    return InsightForm(
        data,
        initial=initial,
        cycle=cycle,
        activities=activities_facilitated_by(cycle=cycle, membership=request.membership),
        standalone=policies.can_record_standalone_insight(request.membership),
    )


def _insight_form_page(
    request: HttpRequest, form: InsightForm, cycle: Cycle, insight: Insight | None = None
) -> HttpResponse:
    return render_form(
        request,
        "feedback/insight/insight_form.html",
        {
            "form": form,
            "cycle": cycle,
            "insight": insight,
            "has_activities": form.fields["activity"].queryset.exists(),
            "standalone": not form.fields["activity"].required,
        },
        form=form,
    )


def _save_insight(request: HttpRequest, form: InsightForm, insight: Insight) -> bool:
    if not form.is_valid():
        return False
    form.apply_to(insight)
    try:
        insight_save(
            insight=insight,
            theme_names=form.theme_names(),
            credit_consent=form.cleaned_data["credit_consent"],
            record_consent=form.cleaned_data["record_consent"],
            actor=request.user,
        )
    except ValidationError as exc:
        add_errors(form, exc)
        return False
    return True


def _saved_message(request: HttpRequest, insight: Insight, verb: str) -> None:
    if insight.is_sensitive and not policies.can_see_sensitive_insight(request.membership):
        messages.success(
            request,
            f"Insight {verb}. You marked it sensitive, so only engagement leads and admins "
            "can see it now.",
        )
    else:
        messages.success(request, f"Insight {verb}.")


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_record_insight)
def insight_create(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    initial = {}
    if request.GET.get("activity", "").isdigit():
        initial["activity"] = int(request.GET["activity"])
    form = _insight_form(request, cycle, data=request.POST or None, initial=initial)
    if request.method == "POST":
        insight = Insight(organisation=request.organisation, cycle=cycle)
        if _save_insight(request, form, insight):
            _saved_message(request, insight, "saved")
            if insight.activity_id:
                messages.info(request, "Record the next one below, or go back to the activity.")
            # Straight back to an empty form for the same activity: at a pop-up the next
            # person is already talking.
            query = {"activity": insight.activity_id} if insight.activity_id else None
            return redirect(_url(request, "insight_create", cycle.pk, query=query))
    return _insight_form_page(request, form, cycle)


@require_GET
@allowed_by(policies.can_view_listening)
def insight_detail(request: HttpRequest, insight_pk: int) -> HttpResponse:
    insight = get_insight_for_request(request, insight_pk)
    return render(
        request,
        "feedback/insight/insight_detail.html",
        {
            "insight": insight,
            "cycle": insight.cycle,
            "themes": list(insight.themes.order_by("name")),
            "taken_up_by": insight_taken_up_by(insight),
            "can_edit": policies.can_edit_insight(request.membership, insight),
            "can_close": policies.can_close_insight(request.membership),
            "closure_form": OutOfScopeForm(),
        },
    )


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_record_insight)
def insight_edit(request: HttpRequest, insight_pk: int) -> HttpResponse:
    insight = get_insight_for_request(request, insight_pk)
    if not policies.can_edit_insight(request.membership, insight):
        raise PermissionDenied
    cycle = insight.cycle
    form = _insight_form(
        request, cycle, data=request.POST or None, initial=InsightForm.initial_for(insight)
    )
    # Keep the activity it came from on offer even if the lead no longer facilitates it.
    if insight.activity_id:
        field = form.fields["activity"]
        field.queryset = field.queryset | activities_visible_to(request.membership).filter(
            pk=insight.activity_id
        )
    if request.method == "POST" and _save_insight(request, form, insight):
        _saved_message(request, insight, "updated")
        if insight.sensitivity == Sensitivity.SENSITIVE and not (
            policies.can_see_sensitive_insight(request.membership)
        ):
            return redirect(_url(request, "insight_list", cycle.pk))
        return redirect(_url(request, "insight_detail", insight.pk))
    return _insight_form_page(request, form, cycle, insight)


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_close_insight)
def insight_closure(request: HttpRequest, insight_pk: int) -> HttpResponse:
    """Mark an insight out of scope with a reason, or take it back."""
    insight = get_insight_for_request(request, insight_pk)
    form = OutOfScopeForm(request.POST or None)
    if request.method == "POST":
        if request.POST.get("action") == "reopen":
            insight_reopen(insight=insight)
            messages.success(request, "The insight is back in scope and counts as unanswered.")
            return redirect(_url(request, "insight_detail", insight.pk))
        if form.is_valid():
            try:
                insight_mark_out_of_scope(
                    insight=insight, reason=form.cleaned_data["reason"], actor=request.user
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, "Marked out of scope, with the reason shown.")
                return redirect(_url(request, "insight_detail", insight.pk))
    return render_form(
        request,
        "feedback/insight/insight_closure.html",
        {"insight": insight, "cycle": insight.cycle, "form": form},
        form=form,
    )
