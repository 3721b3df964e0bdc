"""The tenant-isolation walker: every URL under /o/<slug>/, filled with organisation A's
real ids, must answer 404 to a member of organisation B, for GET and POST alike.

Routes come from the URL resolver, so views added later are walked automatically; a route
whose keywords have no filler in tests/walker.py makes this test fail.
"""

import pytest
from django.test import Client

from t2a.models import User

from .walker import fill, tenant_routes


@pytest.fixture
def filled(org, users):
    cache: dict[str, str] = {}
    routes = tenant_routes()
    assert len(routes) >= 8, "the walker found suspiciously few tenant routes"
    return [(route, pattern, fill(route, org, cache)) for route, pattern in routes]


@pytest.mark.django_db
def test_filled_paths_are_real_for_members_of_the_owning_organisation(filled, users, client_for):
    """Guard against a walker that passes because its ids are wrong: A's own admin (or an
    anonymous visitor, for views open to non-members) does not get 404."""
    admin = client_for(users["admin"])
    wrong = []
    for route, pattern, path in filled:
        client = Client() if getattr(pattern.callback, "tenant_public", False) else admin
        status = client.get(path).status_code
        if status == 404:
            wrong.append(f"{route} -> {path}")
    assert not wrong, "Filled paths that do not exist for their own organisation:\n" + "\n".join(
        wrong
    )


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["member_of_other_org", "member_of_no_org"])
def test_every_tenant_url_is_404_for_non_members(filled, outsider, client_for, who):
    user = outsider if who == "member_of_other_org" else User.objects.create_user("lonely@x.org")
    client = client_for(user)
    leaks = []
    for route, _pattern, path in filled:
        for method in ("get", "post"):
            status = getattr(client, method)(path).status_code
            if status != 404:
                leaks.append(f"{method.upper()} {path} ({route}) -> {status}")
    assert not leaks, "Tenant data reachable by a non-member:\n" + "\n".join(leaks)


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in(filled):
    client = Client()
    for route, pattern, path in filled:
        if getattr(pattern.callback, "tenant_public", False):
            continue
        response = client.get(path)
        assert response.status_code == 302, route
        assert response.url.startswith("/accounts/login/"), route


def test_walker_fails_loudly_on_a_keyword_without_a_filler(org):
    with pytest.raises(LookupError, match="No filler for URL keyword 'widget_pk'"):
        fill("o/<slug:org_slug>/widgets/<int:widget_pk>/", org, {})


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post"])
def test_signed_out_a_made_up_organisation_answers_like_a_real_one(filled, org, method):
    """Signed out, nobody can tell from the answer whether an organisation exists: every
    tenant URL with a real slug and real ids, and the same URL with a made-up slug, give
    the same status and send the visitor to the same sign-in page (less the return path).
    Pages open to non-members (an invitation) answer 404 for any token that is not open,
    whichever the organisation."""
    client = Client()
    different = []
    for route, pattern, path in filled:
        made_up = path.replace(f"/o/{org.slug}/", "/o/no-such-organisation/", 1)
        real, fake = getattr(client, method)(path), getattr(client, method)(made_up)
        if getattr(pattern.callback, "tenant_public", False):
            real = getattr(client, method)(path.rstrip("/") + "x/")
        if real.status_code != fake.status_code or (
            real.status_code == 302 and real.url.split("?")[0] != fake.url.split("?")[0]
        ):
            different.append(f"{method.upper()} {route}: {real.status_code} vs {fake.status_code}")
    assert different == []
