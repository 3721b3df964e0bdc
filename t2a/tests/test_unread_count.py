"""The count of unread notifications in every page's header, kept on the membership row
(Membership.unread_notifications) by the services that create and read notifications, so
drawing the header costs no query."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from t2a import selectors
from t2a.models import Invitation, Membership, Role
from t2a.services import notifications
from t2a.services.organisations import invitation_accept, membership_remove
from tests.migrator import migrate, migrate_to_latest

BEFORE = ("t2a", "0010_organisation_old_slugs")
COUNTER = ("t2a", "0011_membership_unread_notifications")


def unread(org, user) -> int:
    with scopes_disabled():
        return Membership.objects.get(organisation=org, user=user).unread_notifications


def notify(org, user, title="Plan waiting for your sign-off"):
    with scope(organisation=org.pk):
        return notifications.notification_create(
            organisation=org, recipient=user, kind="test", title=title
        )


def header(client, org) -> str:
    return client.get(reverse("organisation_home", args=[org.slug])).content.decode()


@pytest.mark.django_db
def test_creating_a_notification_counts_it_for_its_recipient_only(org, other_org, users):
    lead = users[Role.ENGAGEMENT_LEAD]
    notify(org, lead)
    notify(org, lead)
    assert unread(org, lead) == 2
    assert unread(org, users[Role.GOVERNANCE]) == 0
    with scope(organisation=other_org.pk):
        Membership.objects.create(organisation=other_org, user=lead, role=Role.ADMIN)
    notify(other_org, lead)
    assert (unread(org, lead), unread(other_org, lead)) == (2, 1)


@pytest.mark.django_db
def test_a_delivered_reminder_counts(org, admin_user, django_capture_on_commit_callbacks):
    with scopes_disabled():
        Invitation.objects.create(
            organisation=org,
            email="invitee@example.org",
            role=Role.GOVERNANCE,
            token_hash="unread-count-reminder",
            invited_by=admin_user,
            expires_at=timezone.now() + timedelta(days=1.5),
        )
    with scope(organisation=org.pk), django_capture_on_commit_callbacks(execute=True):
        dues = list(selectors.invitations_expiring(organisation=org, today=timezone.localdate()))
        [reminder_id] = notifications.reminder_claim(organisation=org, dues=dues)
        assert notifications.reminder_deliver(reminder_id=reminder_id) is True
    assert unread(org, admin_user) == 1


@pytest.mark.django_db
def test_marking_one_read_and_then_all_read(org, other_org, users):
    lead = users[Role.ENGAGEMENT_LEAD]
    first, _, _ = notify(org, lead), notify(org, lead), notify(org, lead)
    with scope(organisation=org.pk):
        assert (
            notifications.notification_mark_read(
                organisation=org, recipient=lead, notification_ids=[first.pk]
            )
            == 1
        )
    assert unread(org, lead) == 2
    with scope(organisation=org.pk):
        assert (
            notifications.notification_mark_read(
                organisation=org, recipient=lead, notification_ids=None
            )
            == 2
        )
    assert unread(org, lead) == 0


@pytest.mark.django_db
def test_the_header_shows_the_count_on_the_next_request_and_drops_it_once_read(
    org, users, client_for
):
    lead = users[Role.ENGAGEMENT_LEAD]
    client = client_for(lead)
    assert "unread" not in header(client, org)
    notify(org, lead)
    assert '1<span class="nhsuk-u-visually-hidden"> unread</span>' in header(client, org)
    client.post(reverse("notifications", args=[org.slug]), {"mark_read": "1"})
    assert "unread" not in header(client, org)


@pytest.mark.django_db
def test_someone_invited_back_finds_their_unread_notifications_counted(org, users):
    lead = users[Role.ENGAGEMENT_LEAD]
    notify(org, lead)
    with scope(organisation=org.pk):
        membership_remove(membership=Membership.objects.get(user=lead))
        invitation = Invitation.objects.create(
            organisation=org,
            email=lead.email,
            role=Role.ENGAGEMENT_LEAD,
            token_hash="unread-count-invited-back",
            expires_at=timezone.now() + timedelta(days=3),
        )
        membership = invitation_accept(invitation=invitation, user=lead)
    assert membership.unread_notifications == 1
    assert unread(org, lead) == 1


@pytest.mark.django_db(transaction=True)
def test_the_migration_counts_the_unread_notifications_there_already_are(org, other_org, users):
    lead, governance = users[Role.ENGAGEMENT_LEAD], users[Role.GOVERNANCE]
    old = migrate([BEFORE])
    try:
        made = old.get_model("t2a", "Notification").objects

        def make(organisation, user, read_at=None):
            made.create(
                organisation_id=organisation.pk, recipient_id=user.pk, kind="test",
                title="Before the counter", created_at=timezone.now(), read_at=read_at,
            )  # fmt: skip

        make(org, lead)
        make(org, lead)
        make(org, lead, read_at=timezone.now())
        make(org, governance, read_at=timezone.now())
        # Unread, but in an organisation the lead is not a member of: not theirs here.
        make(other_org, lead)
        migrate([COUNTER])
        assert (unread(org, lead), unread(org, governance), unread(org, users[Role.ADMIN])) == (
            2, 0, 0,
        )  # fmt: skip
    finally:
        migrate_to_latest()
