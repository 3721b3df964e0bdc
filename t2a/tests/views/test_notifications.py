import pytest
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from t2a.models import Delivery, Notification, NotificationPreference, Role
from t2a.services.notifications import notification_create
from tests.matrix import ALL_ROLES, assert_role_matrix


def notify(org, user, title="Plan waiting for your sign-off"):
    with scope(organisation=org.pk):
        return notification_create(
            organisation=org, recipient=user, kind="test", title=title, url="/somewhere/"
        )


@pytest.mark.django_db
def test_every_member_has_a_notifications_page(org, users, client_for):
    assert_role_matrix(
        client_for,
        users,
        reverse("notifications", args=[org.slug]),
        get=ALL_ROLES,
        post=ALL_ROLES,
        data={"delivery": Delivery.IMMEDIATE},
    )


@pytest.mark.django_db
def test_members_see_only_their_own_notifications_and_the_unread_count(
    org, other_org, users, outsider, client_for
):
    notify(org, users[Role.COMMUNITY_LEAD], "For the community lead")
    notify(org, users[Role.GOVERNANCE], "For governance")
    notify(other_org, outsider, "For another organisation")
    page = client_for(users[Role.COMMUNITY_LEAD]).get(reverse("notifications", args=[org.slug]))
    assert "For the community lead" in page.text
    assert "For governance" not in page.text
    assert "For another organisation" not in page.text
    assert '1<span class="nhsuk-u-visually-hidden"> unread</span>' in page.text


@pytest.mark.django_db
def test_mark_all_read(org, users, client_for):
    user = users[Role.ENGAGEMENT_LEAD]
    notify(org, user)
    notify(org, user)
    client_for(user).post(reverse("notifications", args=[org.slug]), {"mark_read": "1"})
    with scopes_disabled():
        assert not Notification.objects.filter(recipient=user, read_at=None).exists()


@pytest.mark.django_db
def test_choosing_a_daily_digest(org, users, client_for):
    user = users[Role.GOVERNANCE]
    client_for(user).post(
        reverse("notifications", args=[org.slug]), {"delivery": Delivery.DAILY_DIGEST}
    )
    with scopes_disabled():
        assert NotificationPreference.objects.get(user=user).delivery == Delivery.DAILY_DIGEST


@pytest.mark.django_db
def test_a_bad_delivery_choice_shows_an_error_and_saves_nothing(org, users, client_for):
    response = client_for(users[Role.GOVERNANCE]).post(
        reverse("notifications", args=[org.slug]), {"delivery": "carrier-pigeon"}
    )
    assert response.status_code == 200
    assert "There is a problem" in response.text
    with scopes_disabled():
        assert not NotificationPreference.objects.exists()


@pytest.mark.django_db
def test_notifications_page_query_count_is_constant(
    org, users, client_for, django_assert_max_num_queries
):
    user = users[Role.ENGAGEMENT_LEAD]
    client = client_for(user)
    notify(org, user)
    with django_assert_max_num_queries(10):
        client.get(reverse("notifications", args=[org.slug]))
    for n in range(60):
        notify(org, user, f"Update {n}")
    with django_assert_max_num_queries(10):
        client.get(reverse("notifications", args=[org.slug]))
