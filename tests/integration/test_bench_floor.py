"""The benchmark's floor page (bench/views.py, served only under bench/urls.py): an
organisation page like any other, open to every member, 404 for outsiders."""

import pytest

from tests.matrix import ALL_ROLES, assert_role_matrix

pytestmark = [pytest.mark.django_db, pytest.mark.urls("bench.urls")]


def url(org) -> str:
    return f"/o/{org.slug}/bench/base-only/"


def test_outsiders_get_404_and_strangers_sign_in(client_for, outsider, org):
    assert client_for(outsider).get(url(org)).status_code == 404
    assert client_for(None).get(url(org)).status_code == 302


def test_every_member_sees_it_in_three_queries(
    client_for, users, org, django_assert_max_num_queries
):
    assert_role_matrix(client_for, users, url(org), get=ALL_ROLES)
    client = client_for(users["admin"])
    client.get(url(org))
    with django_assert_max_num_queries(3):
        assert "Benchmark floor" in client.get(url(org)).content.decode()
