"""Platform background work. Tasks are thin: load by id inside the tenant scope, call a service."""

from celery import shared_task
from django.db import OperationalError
from django_scopes import scope

from . import jobs
from .celery import enqueue_now
from .models import Organisation, OrganisationExport
from .services import notifications, outbox

# Errors that may pass (a dropped database connection, a deadlock): the task retries.
TRANSIENT = (OSError, OperationalError)


@shared_task(acks_late=True, soft_time_limit=240, time_limit=300, expires=14 * 60)
def reminder_sweep() -> int:
    """The one periodic job: find what is due everywhere and enqueue its delivery."""
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
    """Deliver a batch of claimed reminders. Each is delivered on its own (one failure
    does not hold the others back); if any failed, the task retries and delivery skips
    those already delivered. Their emails go through the outbox."""
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


@shared_task(acks_late=True, soft_time_limit=240, time_limit=300)
def outbox_send() -> int:
    """Send what is due in the outbox (t2a/services/outbox.py): asked for after every
    commit that queues a message, and by beat every minute for retries, lost requests and
    messages a dead worker left "sending". Runs that overlap take different rows."""
    run = outbox.outbox_deliver()
    if not run.finished:
        enqueue_now("t2a.tasks.outbox_send")
    return run.sent


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
