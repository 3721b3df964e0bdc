"""Fixtures for the cycles tests (the `cycle` itself is the root conftest's)."""

import pytest
from django.test import Client

from t2a.models import Role


@pytest.fixture
def lead(client_for, users) -> Client:
    """A client signed in as the organisation's engagement lead."""
    return client_for(users[Role.ENGAGEMENT_LEAD])
