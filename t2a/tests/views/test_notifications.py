import pytest
from django.core import mail
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from t2a.models import (
    Delivery,
    MessageStatus,
    Notification,
    NotificationPreference,
    OutboundMessage,
    Role,
)
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


# Each notification's email: queued, sent, or failed with a send-again button ------------


def email_of(notification) -> OutboundMessage:
    with scopes_disabled():
        return OutboundMessage.objects.get(object_id=notification.pk)


def send_again_url(org, notification) -> str:
    return reverse("notification_send_again", args=[org.slug, notification.pk])


@pytest.mark.django_db
def test_the_page_says_queued_sent_or_failed_for_each_email(
    org, users, client_for, django_capture_on_commit_callbacks
):
    user = users[Role.ENGAGEMENT_LEAD]
    client = client_for(user)
    queued = notify(org, user, "Still in the outbox")
    with django_capture_on_commit_callbacks(execute=True):
        sent = notify(org, user, "Gone out")
    failed = notify(org, user, "Refused by the mail server")
    OutboundMessage.everywhere.filter(pk=email_of(failed).pk).update(status=MessageStatus.FAILED)
    OutboundMessage.everywhere.filter(pk=email_of(queued).pk).update(status=MessageStatus.QUEUED)
    page = client.get(reverse("notifications", args=[org.slug])).text
    items = {
        n.title: page.split(n.title, 1)[1].split("</li>", 1)[0] for n in (queued, sent, failed)
    }
    assert 'Email: <strong class="nhsuk-tag nhsuk-tag--grey">Queued</strong>' in items[queued.title]
    assert 'Email: <strong class="nhsuk-tag nhsuk-tag--green">Sent</strong>' in items[sent.title]
    assert 'Email: <strong class="nhsuk-tag nhsuk-tag--red">Failed</strong>' in items[failed.title]
    assert send_again_url(org, failed) in items[failed.title]
    assert "Send again" not in items[sent.title] + items[queued.title]


@pytest.mark.django_db
def test_a_member_sends_their_failed_email_again(
    org, users, client_for, django_capture_on_commit_callbacks
):
    user = users[Role.GOVERNANCE]
    failed = notify(org, user, "Refused once")
    OutboundMessage.everywhere.filter(pk=email_of(failed).pk).update(status=MessageStatus.FAILED)
    client = client_for(user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(send_again_url(org, failed))
    page = client.get(reverse("notifications", args=[org.slug])).text
    assert "The email about \u201cRefused once\u201d is queued again." in page
    assert email_of(failed).status == MessageStatus.SENT
    assert [m.extra_headers["Message-ID"] for m in mail.outbox] == [email_of(failed).message_id]


@pytest.mark.django_db
def test_send_again_for_an_email_that_has_not_failed_changes_nothing(org, users, client_for):
    user = users[Role.GOVERNANCE]
    queued = notify(org, user)
    response = client_for(user).post(send_again_url(org, queued), follow=True)
    assert "That email has not failed, so there is nothing to send again." in response.text
    assert email_of(queued).status == MessageStatus.QUEUED


@pytest.mark.django_db
def test_send_again_is_only_for_the_recipient_and_404_across_organisations(
    org, users, outsider, client_for
):
    theirs = notify(org, users[Role.GOVERNANCE])
    OutboundMessage.everywhere.filter(pk=email_of(theirs).pk).update(status=MessageStatus.FAILED)
    for role in ALL_ROLES - {Role.GOVERNANCE}:
        assert client_for(users[role]).post(send_again_url(org, theirs)).status_code == 404
    assert client_for(outsider).post(send_again_url(org, theirs)).status_code == 404
    assert client_for(None).post(send_again_url(org, theirs)).status_code == 302
    assert client_for(users[Role.GOVERNANCE]).get(send_again_url(org, theirs)).status_code == 405
    assert email_of(theirs).status == MessageStatus.FAILED


@pytest.mark.django_db
def test_the_page_keeps_its_query_count_with_many_emails(
    org, users, client_for, django_assert_max_num_queries
):
    user = users[Role.COMMUNITY_LEAD]
    client = client_for(user)
    notify(org, user)
    url = reverse("notifications", args=[org.slug])
    with django_assert_max_num_queries(12):
        client.get(url)
    for n in range(30):
        notify(org, user, f"Update {n}")
    with django_assert_max_num_queries(12):
        client.get(url)
