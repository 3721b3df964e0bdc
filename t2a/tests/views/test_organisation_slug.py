"""An organisation's web address (its slug): chosen when it is created, changed in its
settings by an admin, with old links sending members on to the new address. A clear error
for a taken, malformed or reserved address, and nothing saved; an old address answers a
non-member exactly like a made-up one."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from t2a.models import OldSlug, Organisation, Role
from tests.matrix import ALL_ROLES

pytestmark = pytest.mark.django_db

SETTINGS = {
    "name": "Northgate ICB",
    "brand_colour": "#00403a",
    "escalate_owner_after_days": 0,
    "escalate_lead_after_days": 7,
    "escalate_governance_after_days": 14,
    "reading_ease_target": 60,
}


def unnonced(response) -> str:
    """The page without what differs on every response (CSP nonce, CSRF token)."""
    return re.sub(r'(nonce|"csrfmiddlewaretoken" value)="[^"]*"', "", response.text)


def settings_url(slug: str) -> str:
    return reverse("organisation_settings", args=[slug])


def test_a_web_address_can_be_chosen_when_creating(outsider, client_for):
    response = client_for(outsider).post(
        reverse("organisation_create"),
        {"name": "Riverside VCSE Alliance", "slug": "riverside", "brand_colour": "#330072"},
    )
    assert response.url == reverse("organisation_home", args=["riverside"])
    assert Organisation.objects.get(slug="riverside").name == "Riverside VCSE Alliance"


@pytest.mark.parametrize(
    ("slug", "message"),
    [
        ("northgate", "Another organisation uses this web address"),
        ("Bad Slug!", "Use 3 to 60 lowercase letters"),
        ("ab", "Use 3 to 60 lowercase letters"),
        ("-edge-", "Use 3 to 60 lowercase letters"),
        ("admin", "is a word the site uses"),
        ("x" * 61, "Web address must be 60 characters or fewer"),
    ],
)
def test_a_bad_web_address_at_creation_is_refused(org, outsider, client_for, slug, message):
    before = Organisation.objects.count()
    response = client_for(outsider).post(
        reverse("organisation_create"),
        {"name": "Riverside", "slug": slug, "brand_colour": "#330072"},
    )
    assert response.status_code in (200, 400)
    assert message in response.text
    assert "There is a problem" in response.text
    assert Organisation.objects.count() == before


def test_changing_the_web_address_keeps_old_links_working(org, users, client_for):
    admin = client_for(users[Role.ADMIN])
    response = admin.post(settings_url("northgate"), {**SETTINGS, "slug": "northgate-icb"})
    assert response.status_code == 302
    assert response.url == settings_url("northgate-icb")
    page = admin.get(response.url).text
    assert "The web address is now /o/northgate-icb/" in page
    org.refresh_from_db()
    assert org.slug == "northgate-icb" and org.name == "Northgate ICB"
    with scopes_disabled():
        assert list(OldSlug.objects.values_list("slug", flat=True)) == ["northgate"]

    # Every member's old links and bookmarks go to the same page at the new address.
    for role in ALL_ROLES:
        client = client_for(users[role])
        old = client.get("/o/northgate/members/?page=2")
        assert old.status_code == 302, role
        assert old.url == "/o/northgate-icb/members/?page=2"
        assert client.get("/o/northgate/").url == "/o/northgate-icb/"


def test_an_old_address_answers_outsiders_like_a_made_up_one(org, users, client_for, outsider):
    client_for(users[Role.ADMIN]).post(settings_url("northgate"), {**SETTINGS, "slug": "ngicb"})
    stranger = client_for(outsider)
    made_up, old = stranger.get("/o/no-such-place/members/"), stranger.get("/o/northgate/members/")
    assert made_up.status_code == old.status_code == 404
    assert unnonced(made_up) == unnonced(old)
    signed_out = Client()
    made_up, old = signed_out.get("/o/no-such-place/"), signed_out.get("/o/northgate/")
    assert made_up.status_code == old.status_code == 302
    assert made_up.url.replace("no-such-place", "northgate") == old.url


def test_going_back_to_an_old_address_and_no_one_else_can_take_it(
    org, other_org, users, outsider, client_for
):
    admin = client_for(users[Role.ADMIN])
    admin.post(settings_url("northgate"), {**SETTINGS, "slug": "northgate-icb"})
    # Another organisation cannot take the address old links still point at.
    response = client_for(outsider).post(
        settings_url("southfield"), {**SETTINGS, "name": "Southfield", "slug": "northgate"}
    )
    assert response.status_code == 400
    assert "Another organisation uses this web address, or used it before" in response.text
    other_org.refresh_from_db()
    assert other_org.slug == "southfield"
    # The organisation itself can go back to it.
    assert admin.post(settings_url("northgate-icb"), {**SETTINGS, "slug": "northgate"}).url == (
        settings_url("northgate")
    )
    with scopes_disabled():
        assert list(OldSlug.objects.values_list("slug", flat=True)) == ["northgate-icb"]
    assert admin.get("/o/northgate-icb/").url == "/o/northgate/"


@pytest.mark.parametrize(
    ("slug", "message"),
    [
        ("southfield", "Another organisation uses this web address"),
        ("Has Spaces", "Use 3 to 60 lowercase letters"),
        ("settings", "is a word the site uses"),
    ],
)
def test_a_bad_new_address_saves_nothing(org, other_org, users, client_for, slug, message):
    response = client_for(users[Role.ADMIN]).post(
        settings_url("northgate"), {**SETTINGS, "name": "Renamed", "slug": slug}
    )
    assert response.status_code == 400
    assert message in response.text and "There is a problem" in response.text
    org.refresh_from_db()
    assert (org.slug, org.name) == ("northgate", "Northgate ICB")
    with scopes_disabled():
        assert not OldSlug.objects.exists()


def test_a_blank_address_keeps_the_current_one(org, users, client_for):
    response = client_for(users[Role.ADMIN]).post(settings_url("northgate"), {**SETTINGS})
    assert response.url == settings_url("northgate")
    with scopes_disabled():
        assert not OldSlug.objects.exists()


def test_only_admins_change_the_address(org, users, client_for):
    for role in ALL_ROLES:
        if role == Role.ADMIN:
            continue
        response = client_for(users[role]).post(
            settings_url("northgate"), {**SETTINGS, "slug": "taken-over"}
        )
        assert response.status_code == 403, role
    org.refresh_from_db()
    assert org.slug == "northgate"
    response = client_for(users[Role.ADMIN]).post(
        settings_url("northgate"), {**SETTINGS, "slug": "northgate-admin"}
    )
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.slug == "northgate-admin"
