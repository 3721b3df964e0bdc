"""Panels other apps contribute to a page (registered with `app.panel`)."""

from django.http import HttpRequest

from ..registry import registry


def panels(request: HttpRequest, page: str, *objects) -> list[dict]:
    """What each app shows on `page` (registered with `app.panel`), worked out here in the
    view so that the page's cost shows in its view: [{"template", "context"}, ...]."""
    shown = []
    for panel in registry.panels(page):
        context = panel.call("context", request, *objects)
        if context is not None:
            shown.append({"template": panel.template, "context": context})
    return shown
