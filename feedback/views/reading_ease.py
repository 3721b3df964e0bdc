"""The live reading-ease score of text written for the public (report-backs and the public
page), for the htmx call on the text box as it is typed."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from t2a.tenancy import allowed_by

from .. import policies
from ..selectors.reading_ease import readability_for

# The text boxes that carry a live score (forms.reading_ease.live_reading_ease).
READABLE_FIELDS = ("body", "summary", "how_to_get_involved")


@require_POST
@allowed_by(policies.can_write_report_backs)
def reading_ease(request: HttpRequest) -> HttpResponse:
    """The score of a draft, swapped in beside its text box."""
    field = request.POST.get("field", "")
    if field not in READABLE_FIELDS:
        return HttpResponse("Unknown field.", status=400)
    text = request.POST.get(field, "")[:20_000]
    return render(
        request,
        "feedback/includes/readability.html",
        {"field": field, "readability": readability_for(request.organisation, text)},
    )
