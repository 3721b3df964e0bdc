from django.http import HttpRequest


def tenancy(request: HttpRequest) -> dict:
    """Expose the current organisation and membership to every template."""
    membership = getattr(request, "membership", None)
    return {
        "organisation": getattr(request, "organisation", None),
        "membership": membership,
        "unread_notifications": _unread(request) if membership is not None else 0,
    }


def _unread(request: HttpRequest):
    # Lazy, so pages that never show the header (htmx partials) never run the query.
    from django.utils.functional import SimpleLazyObject

    from .models import Notification

    return SimpleLazyObject(
        lambda: Notification.objects.filter(recipient=request.user, read_at__isnull=True).count()
    )
