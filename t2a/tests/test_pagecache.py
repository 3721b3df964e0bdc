"""Whole pages cached under the organisation's data version (t2a/pagecache.py): served
from the cache while nothing changed, with this response's own CSRF token and CSP nonce,
and never a page drawn for someone else, another role, or with a message waiting."""

import re

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse
from django_scopes import scope

from cycles.tests.builders import cycle_url
from t2a import pagecache
from t2a.models import Membership, Role
from t2a.services.notifications import notification_create
from t2a.services.organisations import membership_change_role
from t2a.services.versions import organisation_changed
from tests.cast import stored_page_keys

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
NONCE = re.compile(r'nonce="([^"]+)"')


def test_the_second_request_is_served_from_the_cache_with_fewer_queries(
    client_for, users, cycle, django_assert_max_num_queries
):
    client = client_for(users[Role.ENGAGEMENT_LEAD])
    first = client.get(cycle_url(cycle))
    assert first.status_code == 200
    assert stored_page_keys(), "the page was not stored"
    # Session, member and organisation (the unread count is on the member's row): nothing
    # of the page itself.
    with django_assert_max_num_queries(3):
        second = client.get(cycle_url(cycle))
    assert second.status_code == 200
    strip = re.compile(r'(nonce|value)="[A-Za-z0-9+/=_-]{20,}"')
    assert strip.sub("", first.content.decode()) == strip.sub("", second.content.decode())


def test_a_served_page_carries_a_token_the_csrf_check_accepts_and_its_own_nonce(users, cycle, org):
    lead = users[Role.ENGAGEMENT_LEAD]
    warm = Client()
    warm.force_login(lead)
    assert warm.get(cycle_url(cycle)).status_code == 200  # stored now

    client = Client(enforce_csrf_checks=True)
    client.force_login(lead)
    response = client.get(cycle_url(cycle))
    html = response.content.decode()
    assert pagecache.CSRF_MARK not in html and pagecache.NONCE_MARK not in html
    token = TOKEN.search(html).group(1)
    nonces = set(NONCE.findall(html))
    assert len(nonces) == 1
    assert f"'nonce-{nonces.pop()}'" in response["Content-Security-Policy"]
    # The sign-out form in the header, with the token the served page carried.
    signed_out = client.post(reverse("account_logout"), {"csrfmiddlewaretoken": token})
    assert signed_out.status_code == 302


def test_each_person_and_role_gets_their_own_page(client_for, users, cycle, org):
    url = reverse("actions:plan_detail", args=[org.slug, cycle.pk])
    lead = client_for(users[Role.ENGAGEMENT_LEAD])
    community = client_for(users[Role.COMMUNITY_LEAD])
    lead_page = lead.get(url).content.decode()
    community_page = community.get(url).content.decode()
    assert users[Role.ENGAGEMENT_LEAD].get_full_name() in lead_page
    assert users[Role.ENGAGEMENT_LEAD].get_full_name() not in community_page.split("</header>")[0]
    assert len(stored_page_keys()) == 2

    with scope(organisation=org.pk):
        membership = Membership.objects.get(user=users[Role.ENGAGEMENT_LEAD])
        membership_change_role(membership=membership, role=Role.GOVERNANCE)
    again = lead.get(url)
    assert again.status_code == 404  # a board member who is not on the cycle
    cache.clear()
    assert lead.get(url).status_code == 404


def message_waiting(client: Client, text: str) -> None:
    """Leave `text` waiting for the next page, as a form's redirect does."""
    storage = CookieStorage(RequestFactory().get("/"))
    storage.add(constants.SUCCESS, text)
    response = HttpResponse()
    storage.update(response)
    client.cookies[storage.cookie_name] = response.cookies[storage.cookie_name].value


def test_a_page_with_a_message_waiting_is_drawn_afresh_and_not_stored(client_for, users, cycle):
    client = client_for(users[Role.ENGAGEMENT_LEAD])
    client.get(cycle_url(cycle))
    stored = set(stored_page_keys())
    message_waiting(client, "Cycle saved and nothing else.")
    response = client.get(cycle_url(cycle))
    assert "Cycle saved and nothing else." in response.content.decode()
    assert set(stored_page_keys()) == stored
    # Shown once: the next request is the stored page again, without it.
    assert "Cycle saved and nothing else." not in client.get(cycle_url(cycle)).content.decode()


def test_the_unread_count_in_the_header_is_current(client_for, users, cycle):
    lead = users[Role.ENGAGEMENT_LEAD]
    client = client_for(lead)
    assert "unread" not in client.get(cycle_url(cycle)).content.decode()
    with scope(organisation=cycle.organisation_id):
        notification_create(
            organisation=cycle.organisation, recipient=lead, kind="test", title="A change"
        )
    assert (
        '1<span class="nhsuk-u-visually-hidden"> unread'
        in client.get(cycle_url(cycle)).content.decode()
    )


def test_a_change_to_the_data_version_draws_the_page_again(client_for, users, cycle, org):
    client = client_for(users[Role.ENGAGEMENT_LEAD])
    client.get(cycle_url(cycle))
    organisation_changed(org.pk)
    client.get(cycle_url(cycle))
    assert len(stored_page_keys()) == 2  # one per version


def test_an_outsider_gets_404_from_a_stored_page(client_for, users, cycle, outsider):
    client_for(users[Role.ADMIN]).get(cycle_url(cycle))
    assert client_for(outsider).get(cycle_url(cycle)).status_code == 404
