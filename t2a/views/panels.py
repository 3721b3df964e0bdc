"""Panels other apps contribute to a page (registered with `app.panel`)."""

from django.core.cache import cache
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone

from ..registry import registry

# Panels are cached under a data version (see `panels`); the timeout only lets entries of
# old versions leave the cache.
CACHE_SECONDS = 2 * 24 * 3600


def _computed(request: HttpRequest, page: str, objects: tuple) -> list[dict]:
    shown = []
    for panel in registry.panels(page):
        context = panel.call("context", request, *objects)
        if context is not None:
            shown.append({"template": panel.template, "context": context})
    return shown


def panels(
    request: HttpRequest,
    page: str,
    *objects,
    version_key: str = "",
    page_context: dict | None = None,
) -> list[dict]:
    """What each app shows on `page` (registered with `app.panel`), worked out here in the
    view so that the page's cost shows in its view: [{"template", "context"}, ...].

    With `version_key` (`cycle_cache_key(cycle, "…")` or `organisation_cache_key(…)`, named
    by the data version every writing service moves on), each panel is rendered once per
    change, per member and per day (a panel may count what falls due today), and its HTML
    read from the cache otherwise: [{"html"}, ...]. The panel's template then sees its own
    context, `page_context` and the context processors' (panels hold no forms or scripts,
    which would carry a per-request token)."""
    if not version_key:
        return _computed(request, page, objects)
    membership = request.membership
    key = (
        f"{version_key}:panels:{page}:{membership.role}:{membership.user_id}:"
        f"{timezone.localdate().isoformat()}"
    )
    shown = cache.get(key)
    if shown is None:
        shown = [
            {
                "html": render_to_string(
                    panel["template"], {**(page_context or {}), **panel["context"]}, request
                )
            }
            for panel in _computed(request, page, objects)
        ]
        cache.set(key, shown, CACHE_SECONDS)
    return shown
