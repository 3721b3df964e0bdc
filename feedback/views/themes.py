"""Themes: a cycle's theme synthesis, merging one theme into another, and the htmx
autocomplete behind the themes field of the insight form."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from cycles.selectors.cycles import get_cycle_for_request
from t2a.forms import add_errors
from t2a.htmx import render_form
from t2a.tenancy import allowed_by

from .. import policies
from ..forms.themes import ThemeMergeForm
from ..selectors.themes import get_theme_for_request, theme_suggestions, theme_synthesis
from ..services.themes import theme_merge as merge
from ..services.themes import theme_names_split


@require_GET
@allowed_by(policies.can_view_listening)
def theme_list(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    summaries = theme_synthesis(cycle=cycle, membership=request.membership)
    return render(
        request, "feedback/themes/theme_list.html", {"cycle": cycle, "summaries": summaries}
    )


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_manage_themes)
def theme_merge(request: HttpRequest, theme_pk: int) -> HttpResponse:
    theme = get_theme_for_request(request, theme_pk)
    form = ThemeMergeForm(request.POST or None, theme=theme)
    if request.method == "POST" and form.is_valid():
        target = form.cleaned_data["target"]
        try:
            moved = merge(source=theme, target=target)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                f"\u201c{theme.name}\u201d merged into \u201c{target.name}\u201d: "
                f"{moved} insight{'s' if moved != 1 else ''} moved.",
            )
            return redirect(
                reverse("feedback:theme_list", args=[request.organisation.slug, theme.cycle_id])
            )
    return render_form(
        request,
        "feedback/themes/theme_merge.html",
        {"theme": theme, "cycle": theme.cycle, "form": form},
        form=form,
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
    done_names = theme_names_split(",".join(done))
    pick = request.GET.get("pick", "").strip()
    if pick:
        names = [*done_names, pick]
        return render(
            request,
            "feedback/insight/insight_form.html#themes_widget",
            {"cycle": cycle, "themes_value": ", ".join(names) + ", ", "refocus": True},
        )
    typing = " ".join(typing.split())
    suggestions = theme_suggestions(cycle=cycle, text=typing, exclude=done_names)
    exact = any(t.name.casefold() == typing.casefold() for t in suggestions)
    return render(
        request,
        "feedback/insight/insight_form.html#theme_suggestions",
        {
            "cycle": cycle,
            "typing": typing,
            "suggestions": suggestions,
            "is_new": bool(typing)
            and not exact
            and typing.casefold() not in {n.casefold() for n in done_names},
        },
    )
