"""Platform background work. Tasks are thin: load by id inside the tenant scope, call a service."""

from smtplib import SMTPException

from celery import shared_task
from django_scopes import scope

from . import jobs
from .models import Invitation, Organisation, OrganisationExport
from .services import notifications
from .services.emails import invitation_email_send


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


@shared_task(base=jobs.JobTask, acks_late=True, soft_time_limit=600, time_limit=660)
def organisation_export_task(*, organisation_id: int, job_id: int) -> None:
    jobs.job_run(OrganisationExport, organisation_id=organisation_id, job_id=job_id)


@shared_task(acks_late=True, soft_time_limit=120, time_limit=150, expires=4 * 60)
def jobs_recover() -> dict:
    """Every five minutes: enqueue again the jobs (reports, exports) whose message or
    worker was lost, and fail those waiting too long (t2a/jobs.py)."""
    return jobs.jobs_recover().as_dict()
