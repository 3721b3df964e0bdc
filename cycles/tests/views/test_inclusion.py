"""The inclusion prompts page (views/inclusion.py): every role on the cycle reads the
answers; staff edit them."""

import pytest

from cycles.tests.builders import cycle_url, make_cycle
from t2a.models import Role
from tests.matrix import ALL_ROLES, STAFF, assert_role_matrix

pytestmark = pytest.mark.django_db


def test_outsiders_get_404(client_for, outsider, cycle):
    client = client_for(outsider)
    assert client.get(cycle_url(cycle, "inclusion/")).status_code == 404
    response = client.post(cycle_url(cycle, "inclusion/"), {"missing_groups": "Roma women"})
    assert response.status_code == 404


def test_the_page_is_read_by_every_role_and_written_by_staff(client_for, users, cycle):
    assert_role_matrix(
        client_for,
        users,
        cycle_url(cycle, "inclusion/"),
        get=ALL_ROLES,
        post=STAFF,
        data={"missing_groups": "Roma women"},
    )


def test_read_only_roles_see_no_form(client_for, users, cycle):
    for role in (Role.COMMUNITY_LEAD, Role.GOVERNANCE):
        page = client_for(users[role]).get(cycle_url(cycle, "inclusion/")).content.decode()
        assert "<textarea" not in page


@pytest.mark.parametrize("role", [Role.COMMUNITY_LEAD, Role.GOVERNANCE])
def test_members_not_attached_to_a_cycle_get_404(client_for, users, org, role):
    other = make_cycle(org, "Someone else's cycle")
    assert client_for(users[role]).get(cycle_url(other, "inclusion/")).status_code == 404
