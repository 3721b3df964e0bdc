"""Listening views: the activity calendar, quick insight capture, themes and closure;
report-backs and the public "you said, we did" page."""

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
    require_safe,
)

from cycles.selectors import get_cycle_for_request
from t2a.tenancy import allowed_by, tenant_public
from t2a.views import add_errors

from . import plain_english, policies, selectors, services
from .forms import (
    ActivityForm,
    InsightFilterForm,
    InsightForm,
    OutOfScopeForm,
    PublicPageForm,
    ReportBackForm,
    ThemeMergeForm,
)
from .models import EngagementActivity, Insight, PublicPage, ReportBack, Sensitivity

INSIGHTS_PER_PAGE = 50


def _url(request: HttpRequest, name: str, *args, query: dict | None = None) -> str:
    url = reverse(f"feedback:{name}", args=[request.organisation.slug, *args])
    return f"{url}?{urlencode(query)}" if query else url


# --- overview and calendar ----------------------------------------------------------------


@require_GET
@allowed_by(policies.can_view_listening)
def listening_home(request: HttpRequest) -> HttpResponse:
    cycles = selectors.cycles_with_listening(request.membership)
    return render(request, "feedback/home.html", {"cycles": cycles})


@require_GET
@allowed_by(policies.can_view_listening)
def cycle_listening(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    return render(
        request,
        "feedback/cycle.html",
        {
            "cycle": cycle,
            "activities": selectors.cycle_activities(cycle=cycle),
            "reach": selectors.cycle_reach(cycle=cycle),
            "closure": selectors.insight_closure(cycle)[cycle.pk],
            "public_page": selectors.public_page_for(cycle),
        },
    )


# --- activities ---------------------------------------------------------------------------


def _activity_form_page(
    request: HttpRequest, form: ActivityForm, cycle, activity: EngagementActivity | None
) -> HttpResponse:
    return render(
        request,
        "feedback/activity_form.html",
        {"form": form, "cycle": cycle, "activity": activity},
        status=400 if form.errors else 200,
    )


def _save_activity(request: HttpRequest, form: ActivityForm) -> EngagementActivity | None:
    if not form.is_valid():
        return None
    activity = form.save(commit=False)
    activity.reach = form.reach()
    try:
        return services.activity_save(
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
        return redirect(_url(request, "activity_detail", activity.pk))
    return _activity_form_page(request, form, cycle, None)


@require_GET
@allowed_by(policies.can_view_listening)
def activity_detail(request: HttpRequest, activity_pk: int) -> HttpResponse:
    activity = selectors.get_activity_for_request(request, activity_pk)
    insights = selectors.insight_list(
        selectors.insights_visible_to(request.membership), activity_pk=activity.pk
    )
    page = Paginator(insights, INSIGHTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "feedback/activity_detail.html",
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
    activity = selectors.get_activity_for_request(request, activity_pk)
    cycle = activity.cycle
    form = ActivityForm(request.POST or None, instance=activity, cycle=cycle)
    if request.method == "POST" and _save_activity(request, form):
        messages.success(request, f"{activity.title} saved.")
        return redirect(_url(request, "activity_detail", activity.pk))
    return _activity_form_page(request, form, cycle, activity)


# --- insight ------------------------------------------------------------------------------


@require_GET
@allowed_by(policies.can_view_listening)
def insight_list(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    filters = InsightFilterForm(request.GET or None)
    closure = filters.cleaned_data["closure"] if filters.is_valid() else ""
    theme = None
    theme_pk = request.GET.get("theme", "")
    if theme_pk.isdigit():
        theme = (
            selectors.themes_visible_to(request.membership)
            .filter(cycle=cycle, pk=int(theme_pk))
            .first()
        )
    insights = selectors.insight_list(
        selectors.insights_visible_to(request.membership).filter(cycle=cycle),
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
        return render(request, "feedback/insight_list.html#results", context)
    return render(request, "feedback/insight_list.html", context)


def _insight_form(request: HttpRequest, cycle, *, data=None, initial=None) -> InsightForm:
    return InsightForm(
        data,
        initial=initial,
        cycle=cycle,
        activities=selectors.activities_facilitated_by(cycle=cycle, membership=request.membership),
        standalone=policies.can_record_standalone_insight(request.membership),
    )


def _insight_form_page(request: HttpRequest, form: InsightForm, cycle, insight=None):
    return render(
        request,
        "feedback/insight_form.html",
        {
            "form": form,
            "cycle": cycle,
            "insight": insight,
            "has_activities": form.fields["activity"].queryset.exists(),
            "standalone": not form.fields["activity"].required,
        },
        status=400 if form.errors else 200,
    )


def _save_insight(request: HttpRequest, form: InsightForm, insight: Insight) -> bool:
    if not form.is_valid():
        return False
    form.apply_to(insight)
    try:
        services.insight_save(
            insight=insight,
            theme_names=form.theme_names(),
            credit_consent=form.cleaned_data["credit_consent"],
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
    insight = selectors.get_insight_for_request(request, insight_pk)
    return render(
        request,
        "feedback/insight_detail.html",
        {
            "insight": insight,
            "cycle": insight.cycle,
            "themes": list(insight.themes.order_by("name")),
            "priorities": [p.title for p in insight.priorities.all()]
            if insight.linked_to_priority
            else [],
            "can_edit": policies.can_edit_insight(request.membership, insight),
            "can_close": policies.can_close_insight(request.membership),
            "closure_form": OutOfScopeForm(),
        },
    )


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_record_insight)
def insight_edit(request: HttpRequest, insight_pk: int) -> HttpResponse:
    insight = selectors.get_insight_for_request(request, insight_pk)
    if not policies.can_edit_insight(request.membership, insight):
        raise PermissionDenied
    cycle = insight.cycle
    form = _insight_form(
        request, cycle, data=request.POST or None, initial=InsightForm.initial_for(insight)
    )
    # Keep the activity it came from on offer even if the lead no longer facilitates it.
    if insight.activity_id:
        field = form.fields["activity"]
        field.queryset = field.queryset | EngagementActivity.objects.filter(pk=insight.activity_id)
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
    insight = selectors.get_insight_for_request(request, insight_pk)
    form = OutOfScopeForm(request.POST or None)
    if request.method == "POST":
        if request.POST.get("action") == "reopen":
            services.insight_reopen(insight=insight)
            messages.success(request, "The insight is back in scope and counts as unanswered.")
            return redirect(_url(request, "insight_detail", insight.pk))
        if form.is_valid():
            try:
                services.insight_mark_out_of_scope(
                    insight=insight, reason=form.cleaned_data["reason"], actor=request.user
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, "Marked out of scope, with the reason shown.")
                return redirect(_url(request, "insight_detail", insight.pk))
    return render(
        request,
        "feedback/insight_closure.html",
        {"insight": insight, "cycle": insight.cycle, "form": form},
        status=400 if form.errors else 200,
    )


# --- themes -------------------------------------------------------------------------------


@require_GET
@allowed_by(policies.can_view_listening)
def theme_list(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    summaries = selectors.theme_synthesis(cycle=cycle, membership=request.membership)
    return render(request, "feedback/theme_list.html", {"cycle": cycle, "summaries": summaries})


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_manage_themes)
def theme_merge(request: HttpRequest, theme_pk: int) -> HttpResponse:
    theme = selectors.get_theme_for_request(request, theme_pk)
    form = ThemeMergeForm(request.POST or None, theme=theme)
    if request.method == "POST" and form.is_valid():
        target = form.cleaned_data["target"]
        try:
            moved = services.theme_merge(source=theme, target=target)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                f"\u201c{theme.name}\u201d merged into \u201c{target.name}\u201d: "
                f"{moved} insight{'s' if moved != 1 else ''} moved.",
            )
            return redirect(_url(request, "theme_list", theme.cycle_id))
    return render(
        request,
        "feedback/theme_merge.html",
        {"theme": theme, "cycle": theme.cycle, "form": form},
        status=400 if form.errors else 200,
    )


@require_GET
@allowed_by(policies.can_record_insight)
def theme_suggest(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    """The htmx autocomplete behind the themes field: matches for the name being typed.

    `themes` is the field's whole value; the last comma-separated part is what is being
    typed. With `pick`, that part is replaced by the chosen theme and the field comes back.
    """
    cycle = get_cycle_for_request(request, cycle_pk)
    value = request.GET.get("themes", "")[:1000]
    *done, typing = value.split(",") if value else [""]
    done_names = services.theme_names_split(",".join(done))
    pick = request.GET.get("pick", "").strip()
    if pick:
        names = [*done_names, pick]
        return render(
            request,
            "feedback/insight_form.html#themes_widget",
            {"cycle": cycle, "themes_value": ", ".join(names) + ", ", "refocus": True},
        )
    typing = " ".join(typing.split())
    suggestions = selectors.theme_suggestions(cycle=cycle, text=typing, exclude=done_names)
    exact = any(t.name.casefold() == typing.casefold() for t in suggestions)
    return render(
        request,
        "feedback/insight_form.html#theme_suggestions",
        {
            "cycle": cycle,
            "typing": typing,
            "suggestions": suggestions,
            "is_new": bool(typing)
            and not exact
            and typing.casefold() not in {n.casefold() for n in done_names},
        },
    )


# --- report-backs -------------------------------------------------------------------------

READABLE_FIELDS = ("body", "summary", "how_to_get_involved")


def _readability(request: HttpRequest, text: str) -> plain_english.Readability:
    return plain_english.check(text, target=request.organisation.reading_ease_target)


@require_POST
@allowed_by(policies.can_write_report_backs)
def reading_ease(request: HttpRequest) -> HttpResponse:
    """The live reading-ease score of a draft, for the htmx call on the text box."""
    field = request.POST.get("field", "")
    if field not in READABLE_FIELDS:
        return HttpResponse("Unknown field.", status=400)
    text = request.POST.get(field, "")[:20_000]
    return render(
        request,
        "feedback/readability.html",
        {"field": field, "readability": _readability(request, text)},
    )


@require_GET
@allowed_by(policies.can_view_report_backs)
def report_back_list(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    return render(
        request,
        "feedback/report_back_list.html",
        {
            "cycle": cycle,
            "report_backs": selectors.cycle_report_backs(cycle=cycle),
            "public_page": selectors.public_page_for(cycle),
        },
    )


def _report_back_form_page(
    request: HttpRequest, form: ReportBackForm, cycle, report_back: ReportBack | None
) -> HttpResponse:
    return render(
        request,
        "feedback/report_back_form.html",
        {
            "form": form,
            "cycle": cycle,
            "report_back": report_back,
            "readability": _readability(request, form["body"].value() or ""),
        },
        status=400 if form.errors else 200,
    )


def _report_back_form(request: HttpRequest, cycle, instance: ReportBack) -> ReportBackForm:
    return ReportBackForm(
        request.POST or None,
        instance=instance,
        cycle=cycle,
        reading_ease_url=_url(request, "reading_ease"),
    )


def _save_report_back(request: HttpRequest, form: ReportBackForm) -> ReportBack | None:
    if not form.is_valid():
        return None
    report_back = form.apply_to(form.save(commit=False))
    try:
        return services.report_back_save(
            report_back=report_back, actor=request.user, **form.related()
        )
    except ValidationError as exc:
        add_errors(form, exc)
        return None


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_write_report_backs)
def report_back_create(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    form = _report_back_form(
        request, cycle, ReportBack(organisation=request.organisation, cycle=cycle)
    )
    if request.method == "POST":
        report_back = _save_report_back(request, form)
        if report_back:
            messages.success(request, "Report-back saved as a draft. Publish it when it is ready.")
            return redirect(_url(request, "report_back_detail", report_back.pk))
    return _report_back_form_page(request, form, cycle, None)


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_write_report_backs)
def report_back_edit(request: HttpRequest, report_back_pk: int) -> HttpResponse:
    report_back = selectors.get_report_back_for_request(request, report_back_pk)
    cycle = report_back.cycle
    form = _report_back_form(request, cycle, report_back)
    if request.method == "POST" and _save_report_back(request, form):
        messages.success(
            request,
            "Report-back saved. The public page shows the change."
            if report_back.is_published
            else "Report-back saved.",
        )
        return redirect(_url(request, "report_back_detail", report_back.pk))
    return _report_back_form_page(request, form, cycle, report_back)


def _report_back_page(request: HttpRequest, report_back: ReportBack, errors=None, status=200):
    return render(
        request,
        "feedback/report_back_detail.html",
        {
            "report_back": report_back,
            "cycle": report_back.cycle,
            "contents": selectors.report_back_contents(report_back, request.membership),
            "readability": _readability(request, report_back.body),
            "can_write": policies.can_write_report_backs(request.membership),
            "publish_errors": errors or [],
        },
        status=status,
    )


@require_GET
@allowed_by(policies.can_view_report_backs)
def report_back_detail(request: HttpRequest, report_back_pk: int) -> HttpResponse:
    report_back = selectors.get_report_back_for_request(request, report_back_pk)
    return _report_back_page(request, report_back)


@require_POST
@allowed_by(policies.can_write_report_backs)
def report_back_publish(request: HttpRequest, report_back_pk: int) -> HttpResponse:
    report_back = selectors.get_report_back_for_request(request, report_back_pk)
    try:
        services.report_back_publish(report_back=report_back, actor=request.user)
    except ValidationError as exc:
        errors = [m for messages_ in exc.message_dict.values() for m in messages_]
        return _report_back_page(request, report_back, errors=errors, status=400)
    messages.success(
        request,
        "Report-back published. The insight it answers now counts as answered.",
    )
    return redirect(_url(request, "report_back_detail", report_back.pk))


# --- the public page ----------------------------------------------------------------------


def _public_page_form_page(request, form: PublicPageForm, cycle, page) -> HttpResponse:
    return render(
        request,
        "feedback/public_page_settings.html",
        {
            "form": form,
            "cycle": cycle,
            "public_page": page,
            "summary_readability": _readability(request, form["summary"].value() or ""),
            "involved_readability": _readability(
                request, form["how_to_get_involved"].value() or ""
            ),
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_manage_public_page)
def public_page_settings(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    """Write the public page's own text and switch it on or off."""
    cycle = get_cycle_for_request(request, cycle_pk)
    page = selectors.public_page_for(cycle)
    if page is None:
        page = PublicPage(
            organisation=request.organisation,
            cycle=cycle,
            summary=f"{cycle.inequality} in {cycle.place}." if cycle.inequality else "",
        )
    was_enabled = page.pk is not None and page.enabled
    form = PublicPageForm(
        request.POST or None, instance=page, reading_ease_url=_url(request, "reading_ease")
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.public_page_save(page=form.save(commit=False), actor=request.user)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if page.enabled and not was_enabled:
                messages.success(
                    request, "The public page is on. Anyone with the link can read it."
                )
            elif was_enabled and not page.enabled:
                messages.success(
                    request, "The public page is off. Visitors now see “page not found”."
                )
            else:
                messages.success(request, "Public page saved.")
            return redirect(_url(request, "public_page_settings", cycle.pk))
    return _public_page_form_page(request, form, cycle, page)


@require_GET
@allowed_by(policies.can_manage_public_page)
def public_page_preview(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    """What the public page shows (or would show once switched on), for staff."""
    cycle = get_cycle_for_request(request, cycle_pk)
    page = selectors.public_page_for(cycle) or PublicPage(
        organisation=request.organisation, cycle=cycle, summary="", how_to_get_involved=""
    )
    page.cycle = cycle
    return render(
        request,
        "feedback/public_page_preview.html",
        {"cycle": cycle, "public_page": page, **selectors.public_page_data(page)},
    )


@tenant_public
@require_safe
def public_cycle_page(request: HttpRequest, cycle_slug: str) -> HttpResponse:
    """The public "you said, we did" page: no sign-in, the same for everyone, cached.

    The page body is cached per cycle (and dropped when a lead changes what it shows); the
    shell around it is rendered per request, because its CSP nonce must be fresh. Nothing
    here reads the session or sets a cookie, so shared caches may keep it too.
    """
    key = selectors.public_page_cache_key(request.organisation.pk, cycle_slug)
    cached = cache.get(key)
    if cached is None:
        page = selectors.published_public_page(cycle_slug)
        if page is None:
            raise Http404("No public page here.")
        data = selectors.public_page_data(page)
        cached = {
            "title": page.cycle.title,
            "html": render_to_string("feedback/public_cycle_content.html", data),
        }
        cache.set(key, cached, selectors.PUBLIC_PAGE_SECONDS)
    response = render(
        request,
        "feedback/public_cycle.html",
        # Rendered by our own autoescaping template above, from public fields only.
        {"title": cached["title"], "content": mark_safe(cached["html"])},  # noqa: S308
    )
    patch_cache_control(response, public=True, max_age=selectors.PUBLIC_PAGE_SECONDS)
    return response
