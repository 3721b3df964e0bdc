"""The benchmark's floor page (served only under bench/urls.py, which `make bench` uses)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from t2a import policies
from t2a.tenancy import allowed_by


@require_GET
@allowed_by(policies.can_view_organisation)
def base_only(request: HttpRequest) -> HttpResponse:
    """An organisation page that renders only base.html: what every organisation page costs
    before its own content (session, member, organisation, header)."""
    return render(request, "bench/base_only.html")
