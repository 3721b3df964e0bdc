"""Organisations: the chooser after sign-in, creating one, its home and its settings."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from .. import policies
from ..forms import (
    OrganisationForm,
    OrganisationSettingsForm,
    add_errors,
)
from ..htmx import render_form
from ..models import (
    Membership,
)
from ..pagecache import page_cached
from ..services import organisations as services
from ..services.versions import organisation_cache_key, organisation_changed
from ..tenancy import allowed_by
from .panels import panels


def _memberships(request: HttpRequest) -> list[Membership]:
    return list(
        Membership.across_organisations.filter(user=request.user)
        .select_related("organisation")
        .order_by("organisation__name")
    )


def _chooser(request: HttpRequest, memberships: list[Membership]) -> HttpResponse:
    can_create = policies.can_create_organisation([m.role for m in memberships])
    return render(
        request,
        "t2a/organisations/chooser.html",
        {"memberships": memberships, "can_create_organisation": can_create},
    )


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Where sign-in lands: the organisation's home for a member of one organisation, the
    chooser for a member of several (or of none)."""
    if not request.user.is_authenticated:
        return render(request, "t2a/organisations/landing.html")
    memberships = _memberships(request)
    if len(memberships) == 1:
        return redirect("organisation_home", org_slug=memberships[0].organisation.slug)
    return _chooser(request, memberships)


@login_required
@require_GET
def organisation_chooser(request: HttpRequest) -> HttpResponse:
    """Every organisation the person belongs to, however many (the header's link)."""
    return _chooser(request, _memberships(request))


@login_required
@require_http_methods(["GET", "POST"])
def organisation_create(request: HttpRequest) -> HttpResponse:
    roles = Membership.across_organisations.filter(user=request.user).values_list("role", flat=True)
    if not policies.can_create_organisation(list(roles)):
        raise PermissionDenied
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organisation = services.organisation_create(
            name=form.cleaned_data["name"],
            brand_colour=form.cleaned_data["brand_colour"],
            creator=request.user,
            slug=form.cleaned_data["slug"],
        )
        messages.success(request, f"{organisation.name} is ready. You are its admin.")
        return redirect("organisation_home", org_slug=organisation.slug)
    return render(request, "t2a/organisations/create.html", {"form": form})


@require_GET
@allowed_by(policies.can_view_organisation)
@page_cached
def organisation_home(request: HttpRequest) -> HttpResponse:
    shown = panels(
        request, "home", version_key=organisation_cache_key(request.organisation, "home")
    )
    return render(request, "t2a/organisations/home.html", {"panels": shown})


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_manage_organisation)
def organisation_settings(request: HttpRequest) -> HttpResponse:
    organisation = request.organisation
    form = OrganisationSettingsForm(request.POST or None, instance=organisation)
    current_slug = organisation.slug
    if request.method == "POST" and form.is_valid():
        slug = form.cleaned_data["slug"]
        try:
            with transaction.atomic():
                if slug != current_slug:
                    # Keeps the old address, which sends members on to the new one.
                    organisation.slug = current_slug
                    services.organisation_slug_change(organisation=organisation, slug=slug)
                # Only the form's own fields: the whole row would write back the data
                # version loaded with the page, which another change may have moved on since.
                fields = [f for f in form._meta.fields if f != "slug"]
                form.save(commit=False).save(update_fields=fields)
                organisation_changed(organisation.pk)
        except ValidationError as exc:
            organisation.slug = current_slug
            add_errors(form, ValidationError({"slug": exc.messages}))
        else:
            if slug != current_slug:
                messages.success(
                    request,
                    f"Organisation settings saved. The web address is now /o/{slug}/; "
                    "links to the old one keep working for members.",
                )
            else:
                messages.success(request, "Organisation settings saved.")
            return redirect("organisation_settings", org_slug=organisation.slug)
    return render_form(request, "t2a/organisations/settings.html", {"form": form}, form=form)
