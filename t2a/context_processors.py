from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .models import Notification
from .registry import NavigationItem, registry


def tenancy(request: HttpRequest) -> dict:
    """Expose the current organisation, membership and header navigation to every template."""
    membership = getattr(request, "membership", None)
    return {
        "organisation": getattr(request, "organisation", None),
        "membership": membership,
        "unread_notifications": _unread(request) if membership is not None else 0,
        "navigation": registry.all(NavigationItem),
    }


def _unread(request: HttpRequest):
    # Lazy, so pages that never show the header (htmx partials) never run the query.
    return SimpleLazyObject(
        lambda: Notification.objects.filter(recipient=request.user, read_at__isnull=True).count()
    )
