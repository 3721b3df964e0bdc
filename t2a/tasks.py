"""Platform background work. Tasks are thin: load by id inside the tenant scope, call a service."""

from smtplib import SMTPException

from celery import shared_task
from django_scopes import scope

from . import notifications
from .emails import invitation_email_send
from .models import Invitation, Organisation


@shared_task(
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
    soft_time_limit=30,
    time_limit=60,
)
def invitation_send(*, organisation_id: int, invitation_id: int, token: str) -> None:
    with scope(organisation=organisation_id):
        invitation = (
            Invitation.objects.select_related("organisation", "invited_by")
            .filter(pk=invitation_id, accepted_at__isnull=True, revoked_at__isnull=True)
            .first()
        )
        if invitation is None:
            return
        invitation_email_send(invitation=invitation, token=token)


TRANSIENT = (OSError, SMTPException)


@shared_task(acks_late=True, soft_time_limit=240, time_limit=300, expires=14 * 60)
def reminder_sweep() -> int:
    """The one periodic job: find what is due everywhere and enqueue one send per claim."""
    return notifications.reminder_sweep()


@shared_task(
    acks_late=True,
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=8,
    soft_time_limit=60,
    time_limit=90,
)
def reminder_send(*, organisation_id: int, reminder_id: int) -> bool:
    with scope(organisation=organisation_id):
        return notifications.reminder_deliver(reminder_id=reminder_id)


@shared_task(
    acks_late=True,
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=8,
    soft_time_limit=240,
    time_limit=300,
)
def reminder_send_batch(*, organisation_id: int, reminder_ids: list[int]) -> int:
    """Send a batch of claimed reminders. Each is delivered on its own (one failure does
    not hold the others back); if any failed, the task retries and delivery skips those
    already sent, so a retry sends only what is still unsent."""
    sent = 0
    failed: Exception | None = None
    with scope(organisation=organisation_id):
        for reminder_id in reminder_ids:
            try:
                sent += notifications.reminder_deliver(reminder_id=reminder_id)
            except TRANSIENT as exc:
                failed = exc
    if failed is not None:
        raise failed
    return sent


@shared_task(
    acks_late=True,
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    max_retries=8,
    soft_time_limit=60,
    time_limit=90,
)
def notification_email_send(*, organisation_id: int, notification_id: int) -> bool:
    with scope(organisation=organisation_id):
        return notifications.notification_email(notification_id=notification_id)


@shared_task(acks_late=True, soft_time_limit=600, time_limit=660, expires=6 * 60 * 60)
def notification_digests_send() -> int:
    """Daily: one email per member who chose a digest, listing what is new."""
    sent = 0
    for organisation in Organisation.objects.order_by("pk").iterator():
        with scope(organisation=organisation.pk):
            for user_id in notifications.digest_recipients(organisation=organisation):
                sent += bool(notifications.digest_send(organisation=organisation, user_id=user_id))
    return sent


@shared_task(acks_late=True, soft_time_limit=600, time_limit=660)
def organisation_export_task(*, organisation_id: int, export_id: int) -> None:
    from . import privacy
    from .models import JobStatus, OrganisationExport

    with scope(organisation=organisation_id):
        export = (
            OrganisationExport.objects.select_related("organisation")
            .filter(pk=export_id, status__in=[JobStatus.QUEUED, JobStatus.RUNNING])
            .first()
        )
        if export is None:
            return
        try:
            privacy.organisation_export_build(export=export)
        except Exception as exc:
            OrganisationExport.objects.filter(pk=export_id).update(
                status=JobStatus.FAILED, error=repr(exc)[:500]
            )
            raise


@shared_task(acks_late=True, soft_time_limit=120, time_limit=150, expires=14 * 60)
def organisation_exports_give_up() -> int:
    """Every fifteen minutes: fail exports that will never finish (t2a/privacy.py)."""
    from . import privacy

    return privacy.organisation_exports_give_up()
