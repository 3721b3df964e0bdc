"""Shared assets: what partners offer (a room, a course, a seat at a table) and who used
them for what."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from t2a.forms import add_errors
from t2a.htmx import render_form
from t2a.tenancy import allowed_by

from .. import policies
from ..forms.assets import AssetUseForm, SharedAssetForm
from ..models import SharedAsset
from ..selectors.assets import asset_uses, assets_by_kind, get_shared_asset_for_request
from ..services import assets as services

PAGE_SIZE = 50


def _to_asset(request: HttpRequest, asset: SharedAsset) -> HttpResponse:
    return redirect("stakeholders:asset_detail", request.organisation.slug, asset.pk)


@require_GET
@allowed_by(policies.can_view_assets)
def asset_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(assets_by_kind(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "stakeholders/assets/asset_list.html",
        {"page": page, "assets": page.object_list},
    )


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_manage_assets)
def asset_create(request: HttpRequest) -> HttpResponse:
    return _asset_form(request, SharedAsset(organisation=request.organisation))


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_manage_assets)
def asset_edit(request: HttpRequest, shared_asset_pk: int) -> HttpResponse:
    return _asset_form(request, get_shared_asset_for_request(request, shared_asset_pk))


def _asset_form(request: HttpRequest, asset: SharedAsset) -> HttpResponse:
    form = SharedAssetForm(request.POST if request.method == "POST" else None, instance=asset)
    if form.is_bound and form.is_valid():
        try:
            asset = services.shared_asset_save(asset=form.save(commit=False))
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"{asset.name} saved.")
            return _to_asset(request, asset)
    return render_form(
        request,
        "stakeholders/assets/asset_form.html",
        {"form": form, "asset": asset},
        form=form,
    )


def _asset_page(
    request: HttpRequest, asset: SharedAsset, *, use_form: AssetUseForm | None = None
) -> HttpResponse:
    can_manage = policies.can_manage_assets(request.membership)
    return render_form(
        request,
        "stakeholders/assets/asset_detail.html",
        {
            "asset": asset,
            "uses": asset_uses(asset=asset),
            "can_manage": can_manage,
            "use_form": (use_form or AssetUseForm(initial={"used_on": timezone.localdate()}))
            if can_manage
            else None,
        },
        form=use_form,
    )


@require_GET
@allowed_by(policies.can_view_assets)
def asset_detail(request: HttpRequest, shared_asset_pk: int) -> HttpResponse:
    return _asset_page(request, get_shared_asset_for_request(request, shared_asset_pk))


@require_POST
@allowed_by(policies.can_manage_assets)
def asset_use_add(request: HttpRequest, shared_asset_pk: int) -> HttpResponse:
    asset = get_shared_asset_for_request(request, shared_asset_pk)
    form = AssetUseForm(request.POST)
    if form.is_valid():
        try:
            services.asset_use_record(
                asset=asset,
                used_by=form.cleaned_data["used_by"],
                used_on=form.cleaned_data["used_on"],
                purpose=form.cleaned_data["purpose"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Use recorded.")
            return _to_asset(request, asset)
    return _asset_page(request, asset, use_form=form)
