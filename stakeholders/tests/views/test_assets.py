"""Shared assets and their uses (views/assets.py)."""

from datetime import date

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from stakeholders.models import AssetUse, SharedAsset
from stakeholders.tests.builders import make_asset, make_asset_use, make_stakeholder
from t2a.models import Role
from tests.matrix import STAFF, assert_role_matrix

VIEWERS = STAFF | {Role.COMMUNITY_LEAD}


def url(org, name, *args):
    return reverse(f"stakeholders:{name}", args=[org.slug, *args])


@pytest.mark.django_db
def test_another_organisations_admin_gets_404(org, outsider, client_for):
    asset = make_asset(org)
    client = client_for(outsider)
    for path in (
        url(org, "asset_list"),
        url(org, "asset_create"),
        url(org, "asset_detail", asset.pk),
        url(org, "asset_edit", asset.pk),
        url(org, "asset_use_add", asset.pk),
    ):
        assert client.get(path).status_code == 404, path
        assert client.post(path, {"name": "Leak", "kind": "space"}).status_code == 404, path
    with scopes_disabled():
        assert SharedAsset.objects.get().name == asset.name


@pytest.mark.django_db
def test_asset_pages_matrix(org, users, client_for):
    owner = make_stakeholder(org, "Al-Noor Centre", kind="place")
    asset = make_asset(org, owner=owner)
    assert_role_matrix(client_for, users, url(org, "asset_list"), get=VIEWERS)
    assert_role_matrix(client_for, users, url(org, "asset_detail", asset.pk), get=VIEWERS)
    data = {"kind": "space", "name": "Main hall", "owner": owner.pk, "availability": "Evenings"}
    assert_role_matrix(
        client_for, users, url(org, "asset_create"), get=STAFF, post=STAFF, data=data
    )
    assert_role_matrix(
        client_for, users, url(org, "asset_edit", asset.pk), get=STAFF, post=STAFF, data=data
    )
    assert_role_matrix(
        client_for,
        users,
        url(org, "asset_use_add", asset.pk),
        post=STAFF,
        data={"used_by": owner.pk, "used_on": "2026-03-01", "purpose": "Listening café"},
    )


@pytest.mark.django_db
def test_share_an_asset_and_record_who_used_it_for_what(org, users, client_for):
    owner = make_stakeholder(org, "Al-Noor Centre", kind="place")
    user_org = make_stakeholder(org, "Somali Mothers Group", kind="organisation")
    client = client_for(users[Role.ENGAGEMENT_LEAD])
    response = client.post(
        url(org, "asset_create"),
        {
            "kind": "decision_makers",
            "name": "Seat at the maternity board",
            "owner": owner.pk,
            "availability": "Quarterly",
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        asset = SharedAsset.objects.get()
    assert (asset.owner, asset.organisation) == (owner, org)
    response = client.post(
        url(org, "asset_use_add", asset.pk),
        {
            "used_by": user_org.pk,
            "used_on": "2026-04-02",
            "purpose": "Presented the mothers' stories",
        },
    )
    assert response.status_code == 302
    page = client.get(url(org, "asset_detail", asset.pk)).text
    assert "Somali Mothers Group" in page and "Presented the mothers&#x27; stories" in page
    listing = client.get(url(org, "asset_list")).text
    assert "Seat at the maternity board" in listing and "Access to decision makers" in listing


@pytest.mark.django_db
def test_bad_asset_input(org, other_org, users, client_for):
    foreign = make_stakeholder(other_org, "Theirs", kind="place")
    client = client_for(users[Role.ADMIN])
    response = client.post(url(org, "asset_create"), {"kind": "rocket", "name": ""})
    assert response.status_code == 400
    assert "Select a valid choice" in response.text and "This field is required." in response.text
    response = client.post(
        url(org, "asset_create"), {"kind": "space", "name": "Hall", "owner": foreign.pk}
    )
    assert response.status_code == 400
    with scopes_disabled():
        assert not SharedAsset.objects.exists()
    asset = make_asset(org)
    response = client.post(
        url(org, "asset_use_add", asset.pk), {"used_by": foreign.pk, "used_on": "x", "purpose": ""}
    )
    assert response.status_code == 400
    assert "Enter a valid date." in response.text
    with scopes_disabled():
        assert not AssetUse.objects.exists()


@pytest.mark.django_db
def test_community_lead_reads_assets_without_forms(org, users, client_for):
    asset = make_asset(org, availability="Weekends")
    make_asset_use(asset, make_stakeholder(org, "Youth club"), used_on=date(2026, 2, 2))
    page = client_for(users[Role.COMMUNITY_LEAD]).get(url(org, "asset_detail", asset.pk)).text
    assert "Youth club" in page and "Weekends" in page
    assert "Record use" not in page
