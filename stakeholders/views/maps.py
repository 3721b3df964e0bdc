"""A cycle's maps: the power-interest grid and the 3Ts, each with the population groups the
map leaves uncovered."""

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from cycles.models import Cycle
from cycles.selectors.cycles import get_cycle_for_request
from t2a.pagecache import page_cached
from t2a.tenancy import allowed_by

from .. import policies
from ..selectors.grid import power_interest_grid
from ..selectors.maps import cycle_map, trusted_columns


def _map_context(request: HttpRequest, cycle: Cycle) -> dict:
    return {
        "cycle": cycle,
        "map": cycle_map(cycle=cycle),
        "can_open": policies.can_view_register(request.membership),
    }


@require_GET
@allowed_by(policies.can_view_maps)
@page_cached
def cycle_grid(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    context = _map_context(request, cycle)
    slug = request.organisation.slug
    list_url = reverse("stakeholders:stakeholder_list", args=[slug])

    def detail_url(pk: int) -> str:
        return reverse("stakeholders:stakeholder_detail", args=[slug, pk])

    def more_url(influence: int, interest: int) -> str:
        # The register, filtered to the stakeholders of this cell of the grid.
        cell = {"cycle": cycle.pk, "influence": influence, "interest": interest}
        return f"{list_url}?{urlencode(cell)}"

    context["grid"] = power_interest_grid(
        context["map"].stakeholders,
        detail_url=detail_url if context["can_open"] else None,
        more_url=more_url if context["can_open"] else None,
    )
    return render(request, "stakeholders/maps/cycle_grid.html", context)


@require_GET
@allowed_by(policies.can_view_maps)
def cycle_trusted(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    context = _map_context(request, cycle)
    context["columns"] = trusted_columns(context["map"])
    return render(request, "stakeholders/maps/cycle_trusted.html", context)
