"""The register's summary: counts by sector and 3Ts, and the trust indicators of the last
twelve months (what governance sees instead of the rows)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from t2a.tenancy import allowed_by

from .. import policies
from ..selectors.indicators import (
    commitment_kept_rate,
    last_twelve_months,
    meaningful_conversations_per_month,
    trust_by_staff,
)
from ..selectors.stakeholders import register_counts


@require_GET
@allowed_by(policies.can_view_summary)
def stakeholder_summary(request: HttpRequest) -> HttpResponse:
    organisation = request.organisation
    start, end = last_twelve_months(timezone.localdate())
    context = {
        "counts": register_counts(organisation=organisation),
        "per_month": meaningful_conversations_per_month(
            organisation=organisation, start=start, end=end
        ),
        "kept": commitment_kept_rate(organisation=organisation, start=start, end=None),
        "by_staff": trust_by_staff(organisation=organisation, start=start, end=end),
        "start": start,
        "end": end,
    }
    return render(request, "stakeholders/summary/summary.html", context)
