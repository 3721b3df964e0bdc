"""Organisations: the chooser after sign-in, creating one, its home and its settings."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from .. import policies
from ..forms import (
    OrganisationForm,
    OrganisationSettingsForm,
)
from ..htmx import render_form
from ..models import (
    Membership,
)
from ..services import organisations as services
from ..tenancy import allowed_by
from .panels import panels


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "t2a/organisations/landing.html")
    memberships = (
        Membership.across_organisations.filter(user=request.user)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    return render(request, "t2a/organisations/chooser.html", {"memberships": memberships})


@login_required
@require_http_methods(["GET", "POST"])
def organisation_create(request: HttpRequest) -> HttpResponse:
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organisation = services.organisation_create(
            name=form.cleaned_data["name"],
            brand_colour=form.cleaned_data["brand_colour"],
            creator=request.user,
        )
        messages.success(request, f"{organisation.name} is ready. You are its admin.")
        return redirect("organisation_home", org_slug=organisation.slug)
    return render(request, "t2a/organisations/create.html", {"form": form})


@require_GET
@allowed_by(policies.can_view_organisation)
def organisation_home(request: HttpRequest) -> HttpResponse:
    return render(request, "t2a/organisations/home.html", {"panels": panels(request, "home")})


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_manage_organisation)
def organisation_settings(request: HttpRequest) -> HttpResponse:
    organisation = request.organisation
    form = OrganisationSettingsForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Organisation settings saved.")
        return redirect("organisation_settings", org_slug=organisation.slug)
    return render_form(request, "t2a/organisations/settings.html", {"form": form}, form=form)
