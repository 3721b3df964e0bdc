from django.http import HttpRequest


def tenancy(request: HttpRequest) -> dict:
    """Expose the current organisation and membership to every template."""
    return {
        "organisation": getattr(request, "organisation", None),
        "membership": getattr(request, "membership", None),
    }
