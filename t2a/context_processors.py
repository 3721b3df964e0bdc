from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from .registry import NavigationItem, registry

# The header's navigation drawn once per organisation address, role and page address in
# each process: its templates read only those (and policies of the role), never the
# database, so the same three give the same HTML. Bounded, as addresses are many.
NAVIGATION_DRAWN_MAX = 4096
_navigation_drawn: dict[tuple[str, str, str], SafeString] = {}


def tenancy(request: HttpRequest) -> dict:
    """Expose the current organisation, membership and header navigation to every template."""
    membership = getattr(request, "membership", None)
    return {
        "organisation": getattr(request, "organisation", None),
        "membership": membership,
        # Kept on the membership row the middleware loaded anyway, so it costs no query.
        "unread_notifications": membership.unread_notifications if membership else 0,
        "navigation": registry.all(NavigationItem),
        "navigation_html": _NavigationHTML(request) if membership else "",
    }


class _NavigationHTML:
    """The navigation's HTML, drawn only if a template shows it (htmx partials do not)."""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request

    def __html__(self) -> SafeString:
        request = self.request
        key = (request.organisation.slug, request.membership.role, request.path)
        html = _navigation_drawn.get(key)
        if html is None:
            if len(_navigation_drawn) >= NAVIGATION_DRAWN_MAX:
                _navigation_drawn.clear()
            # The template engine's output is already escaped and marked safe.
            html = render_to_string(
                "includes/org_navigation.html",
                {
                    "organisation": request.organisation,
                    "membership": request.membership,
                    "navigation": registry.all(NavigationItem),
                },
                request=request,
            )
            _navigation_drawn[key] = html
        return html

    __str__ = __html__
