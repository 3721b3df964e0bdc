"""The header's navigation, drawn once per organisation address, role and page address
(t2a/context_processors.py): each role still sees its own links, marked current where
the page is."""

import pytest

from t2a.models import Role

pytestmark = pytest.mark.django_db


def navigation(client, path: str) -> str:
    html = client.get(path).content.decode()
    start = html.index('aria-label="Organisation"')
    return html[start : html.index("</nav>", start)]


def test_each_role_gets_its_own_navigation_on_the_same_page(client_for, users, org):
    path = f"/o/{org.slug}/"
    admin = navigation(client_for(users[Role.ADMIN]), path)
    community = navigation(client_for(users[Role.COMMUNITY_LEAD]), path)
    assert "Members" in admin and "Settings" in admin
    assert "Members" not in community and "Settings" not in community
    # The admin's navigation again, after the community lead's was drawn for this page.
    assert navigation(client_for(users[Role.ADMIN]), path) == admin


def test_the_current_page_is_marked_on_each_page(client_for, users, org):
    client = client_for(users[Role.ADMIN])
    home = navigation(client, f"/o/{org.slug}/")
    members = navigation(client, f"/o/{org.slug}/members/")
    assert f'href="/o/{org.slug}/" aria-current="page"' in home
    assert f'href="/o/{org.slug}/members/" aria-current="page"' in members
    assert f'href="/o/{org.slug}/" aria-current="page"' not in members
