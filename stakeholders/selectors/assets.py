"""Reads for shared assets and their uses."""

from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from ..models import AssetUse, SharedAsset


def assets_by_kind() -> QuerySet[SharedAsset]:
    """Every shared asset of the organisation in scope, with how often it was used."""
    return (
        SharedAsset.objects.select_related("owner")
        .annotate(use_count=Count("uses"))
        .order_by("kind", "name", "pk")
    )


def get_shared_asset_for_request(request: HttpRequest, shared_asset_pk: int) -> SharedAsset:
    """A shared asset of the member's organisation (every role that may open assets sees
    them all); 404 otherwise."""
    return get_object_or_404(SharedAsset.objects.select_related("owner"), pk=shared_asset_pk)


def asset_uses(*, asset: SharedAsset, limit: int = 100) -> list[AssetUse]:
    return list(asset.uses.select_related("used_by")[:limit])
