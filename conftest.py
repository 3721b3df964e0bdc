"""Shared test cast: two organisations, a member of each role in the first, and an outsider.

Set-up code creates rows inside `scopes_disabled()` (see tests/cast.py); the code under
test runs with the scope the middleware or the task sets, so a missing scope still fails.
"""

from datetime import date

import pytest
from django.core.cache import cache
from django.test import Client

from cycles.models import Cycle
from cycles.tests.builders import make_cycle
from t2a.models import Organisation, Role, User
from tests.cast import make_member, make_organisation

pytest_plugins = ["tests.browser", "tests.databases", "tests.versions_guard", "tests.workers"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits and TOTP replay marks live in the (Redis) cache: start each test clean."""
    cache.clear()


@pytest.fixture(autouse=True)
def _private_files(tmp_path, settings):
    """Exports and reports written by a test land in its own temporary folder."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {"location": str(tmp_path)}},
    }


@pytest.fixture
def org(db) -> Organisation:
    return make_organisation("Northgate ICB", "northgate")


@pytest.fixture
def other_org(db) -> Organisation:
    return make_organisation("Southfield Council", "southfield")


@pytest.fixture
def users(org) -> dict[str, User]:
    """One member of `org` per role, keyed by role value."""
    return {
        role.value: make_member(org, role, f"{role.value}@northgate.example.org") for role in Role
    }


@pytest.fixture
def admin_user(users) -> User:
    return users[Role.ADMIN]


@pytest.fixture
def outsider(other_org) -> User:
    """An admin of another organisation: the most powerful person who must see nothing."""
    return make_member(other_org, Role.ADMIN, "admin@southfield.example.org")


@pytest.fixture
def cycle(org, users) -> Cycle:
    """A cycle of `org` that every role is part of: the engagement lead leads it, and the
    community lead and governance member are on it. Tests that need more (a second
    community lead, other population groups) change this one."""
    return make_cycle(
        org,
        "Maternity in Northgate",
        lead=users[Role.ENGAGEMENT_LEAD],
        community_leads=(users[Role.COMMUNITY_LEAD],),
        governance_members=(users[Role.GOVERNANCE],),
        start_date=date(2026, 1, 5),
        population_groups=["Black African women", "Somali families", "Young carers"],
    )


@pytest.fixture
def client_for():
    def make(user: User | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make
