"""A cycle's public "you said, we did" page: its settings and preview for staff, and the
page itself under /p/<org_slug>/, open to anyone without signing in."""

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_safe

from cycles.models import Cycle
from cycles.selectors.cycles import get_cycle_for_request
from t2a.forms import add_errors
from t2a.htmx import render_form
from t2a.services.versions import VERSIONED_CACHE_SECONDS
from t2a.tenancy import allowed_by, tenant_public

from .. import policies
from ..forms.public_page import PublicPageForm
from ..models import PublicPage
from ..selectors.public_page import (
    public_page_cache_key,
    public_page_data,
    public_page_for,
    published_public_page,
)
from ..selectors.reading_ease import readability_for
from ..services.public_page import public_page_save


def _public_page_form_page(
    request: HttpRequest, form: PublicPageForm, cycle: Cycle, page: PublicPage
) -> HttpResponse:
    organisation = request.organisation
    return render_form(
        request,
        "feedback/public_page/public_page_settings.html",
        {
            "form": form,
            "cycle": cycle,
            "public_page": page,
            "summary_readability": readability_for(organisation, form["summary"].value() or ""),
            "involved_readability": readability_for(
                organisation, form["how_to_get_involved"].value() or ""
            ),
        },
        form=form,
    )


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_manage_public_page)
def public_page_settings(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    """Write the public page's own text and switch it on or off."""
    cycle = get_cycle_for_request(request, cycle_pk)
    page = public_page_for(cycle)
    if page is None:
        page = PublicPage(
            organisation=request.organisation,
            cycle=cycle,
            summary=f"{cycle.inequality} in {cycle.place}." if cycle.inequality else "",
        )
    was_enabled = page.pk is not None and page.enabled
    form = PublicPageForm(
        request.POST or None,
        instance=page,
        reading_ease_url=reverse("feedback:reading_ease", args=[request.organisation.slug]),
    )
    if request.method == "POST" and form.is_valid():
        try:
            public_page_save(page=form.save(commit=False), actor=request.user)
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
            return redirect(
                reverse("feedback:public_page_settings", args=[request.organisation.slug, cycle.pk])
            )
    return _public_page_form_page(request, form, cycle, page)


@require_GET
@allowed_by(policies.can_manage_public_page)
def public_page_preview(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    """What the public page shows (or would show once switched on), for staff."""
    cycle = get_cycle_for_request(request, cycle_pk)
    page = public_page_for(cycle) or PublicPage(
        organisation=request.organisation, cycle=cycle, summary="", how_to_get_involved=""
    )
    page.cycle = cycle
    return render(
        request,
        "feedback/public_page/public_page_preview.html",
        {"cycle": cycle, "public_page": page, **public_page_data(page)},
    )


@tenant_public
@require_safe
def public_cycle_page(request: HttpRequest, cycle_slug: str) -> HttpResponse:
    """The public "you said, we did" page: no sign-in, the same for everyone, cached.

    The page body is cached under the cycle's data version, which every change to what it
    shows moves on, so a change shows on the very next request; the shell around it is
    rendered per request, because its CSP nonce must be fresh. Browsers and shared caches
    may store it but must ask again each time (`no-cache`). Nothing here reads the session
    or sets a cookie.
    """
    page = published_public_page(cycle_slug)
    if page is None:
        raise Http404("No public page here.")
    key = public_page_cache_key(page.cycle)
    cached = cache.get(key)
    if cached is None:
        data = public_page_data(page)
        cached = {
            "title": page.cycle.title,
            "html": render_to_string("feedback/public_page/public_cycle_content.html", data),
        }
        cache.set(key, cached, VERSIONED_CACHE_SECONDS)
    response = render(
        request,
        "feedback/public_page/public_cycle.html",
        # Rendered by our own autoescaping template above, from public fields only.
        {"title": cached["title"], "content": mark_safe(cached["html"])},  # noqa: S308
    )
    patch_cache_control(response, public=True, no_cache=True)
    return response
