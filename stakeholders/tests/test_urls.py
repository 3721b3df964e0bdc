"""The tenant-isolation walker, over this app's URLs only (the shared walker covers them
too; this keeps the check runnable while other apps' routes are still being built)."""

import pytest
from django.test import Client

from tests.walker import fill, tenant_routes

PREFIX = "o/<slug:org_slug>/stakeholders/"


@pytest.fixture
def filled(org, users):
    cache: dict[str, str] = {}
    routes = [(r, p) for r, p in tenant_routes() if r.startswith(PREFIX)]
    assert len(routes) >= 28
    return [(route, fill(route, org, cache)) for route, _ in routes]


@pytest.mark.django_db
def test_every_stakeholder_url_exists_for_the_owning_admin(filled, users, client_for):
    admin = client_for(users["admin"])
    missing = [f"{r} -> {p}" for r, p in filled if admin.get(p).status_code == 404]
    assert not missing


@pytest.mark.django_db
def test_every_stakeholder_url_is_404_for_another_organisation(filled, outsider, client_for):
    client = client_for(outsider)
    leaks = [
        f"{method.upper()} {path}"
        for _route, path in filled
        for method in ("get", "post")
        if getattr(client, method)(path).status_code != 404
    ]
    assert not leaks


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in(filled):
    for route, path in filled:
        response = Client().get(path)
        assert response.status_code == 302, route
        assert response.url.startswith("/accounts/login/"), route
