"""Writes for shared assets and their uses."""

from datetime import date

from t2a.services.versions import organisation_changed

from ..models import AssetUse, SharedAsset, Stakeholder


def shared_asset_save(*, asset: SharedAsset) -> SharedAsset:
    asset.full_clean()
    asset.save()
    organisation_changed(asset.organisation_id)
    return asset


def asset_use_record(
    *, asset: SharedAsset, used_by: Stakeholder, used_on: date, purpose: str
) -> AssetUse:
    use = AssetUse(
        organisation_id=asset.organisation_id,
        asset=asset,
        used_by=used_by,
        used_on=used_on,
        purpose=purpose.strip(),
    )
    use.full_clean()
    use.save()
    organisation_changed(asset.organisation_id)
    return use
