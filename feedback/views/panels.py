"""The feedback app's panels on pages other apps own (registered in registrations.py).

Each returns everything its template shows, the cycle included, so the panel renders the
same whatever else the host page puts in its context.
"""

from django.http import HttpRequest
from django.urls import reverse

from cycles.models import Cycle

from ..selectors.activities import cycle_reach, organisation_listening
from ..selectors.insight import insight_closure
from ..selectors.public_page import public_page_for


def cycle_listening(request: HttpRequest, cycle: Cycle) -> dict:
    """Activities held, insight, the share unanswered and the public page (three queries);
    `public_url` is the public page's address while it is switched on, else None."""
    public_page = public_page_for(cycle)
    return {
        "cycle": cycle,
        "reach": cycle_reach(cycle=cycle),
        "closure": insight_closure(cycle)[cycle.pk],
        "public_url": reverse("public:cycle", args=[request.organisation.slug, cycle.slug])
        if public_page is not None and public_page.enabled
        else None,
    }


def home_listening(request: HttpRequest) -> dict:
    """The same figures over the cycles the signed-in member can see (two queries)."""
    return {"listening": organisation_listening(request.membership)}
