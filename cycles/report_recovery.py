"""Reports that lost their message or their worker: find them, queue them again, or give up.

A Report row is the truth; a broker message only asks a worker to act on it. The message
can be lost (the broker was down when the report was requested, or restarted without
keeping its queues) and the worker can die mid-render (SIGKILL, out of memory). Either way
the row would stay "queued" or "running" for ever. `reports_recover()` (the beat task
`cycles.tasks.reports_recover`, every five minutes) looks at every pending report:

- **running, but nobody holds its render lock**: the worker died. Set it back to queued
  and enqueue it again.
- **queued for longer than `REPORT_REQUEUE_SECONDS`** (10 minutes) and not being
  rendered: its message was probably lost. Enqueue it again.
- **pending for longer than `REPORT_GIVE_UP_SECONDS`** (an hour) and not being rendered:
  mark it failed with a readable error; the person can try again.

The render lock is a PostgreSQL session advisory lock the task holds while it renders.
PostgreSQL drops it as soon as the worker's connection closes, however the worker died,
so "nobody holds the lock" means "nobody is rendering this report". On SQLite (the
single-machine default) there are no advisory locks: a running report counts as dead
once it is older than twice the hard time limit.
"""

import logging
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from kombu.exceptions import OperationalError

from t2a.models import JobStatus

from .models import Report

log = logging.getLogger(__name__)

PENDING = (JobStatus.QUEUED, JobStatus.RUNNING)
LOCK_NAMESPACE = zlib.crc32(b"cycles.report_render") & 0x7FFFFFFF
GAVE_UP = "The report could not be made in time: the service was busy or interrupted. Try again."


@contextmanager
def render_lock(report_id: int) -> Iterator[bool]:
    """Try to take the report's render lock; yields whether this connection holds it."""
    if connection.vendor != "postgresql":
        yield True
        return
    key = [LOCK_NAMESPACE, report_id & 0x7FFFFFFF]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", key)
        held = cursor.fetchone()[0]
    try:
        yield held
    finally:
        if held:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s, %s)", key)
            except DatabaseError:  # the connection broke: the lock went with it
                log.warning("Could not release the render lock of report %s", report_id)


def report_fail_if_pending(*, report_id: int, error: str) -> bool:
    return bool(
        Report.objects.filter(pk=report_id, status__in=PENDING).update(
            status=JobStatus.FAILED, error=error[:500]
        )
    )


@dataclass
class Recovery:
    requeued: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def reports_recover(*, now=None) -> Recovery:
    now = now or timezone.now()
    # Which organisations have pending reports: ids only, across tenants, in one query;
    # each organisation's reports are then handled inside its own scope.
    with scopes_disabled():
        organisation_ids = sorted(
            set(
                Report.objects.filter(status__in=PENDING)
                .order_by()
                .values_list("organisation_id", flat=True)
            )
        )
    recovery = Recovery()
    for organisation_id in organisation_ids:
        with scope(organisation=organisation_id):
            _recover_organisation(organisation_id, now, recovery)
    if recovery.requeued or recovery.failed:
        log.warning("Report recovery: %s", recovery.as_dict())
    return recovery


def _recover_organisation(organisation_id: int, now, recovery: Recovery) -> None:
    give_up_before = now - timedelta(seconds=settings.REPORT_GIVE_UP_SECONDS)
    requeue_before = now - timedelta(seconds=settings.REPORT_REQUEUE_SECONDS)
    dead_before = now - timedelta(seconds=2 * settings.REPORT_TIME_LIMIT)
    pending = Report.objects.filter(status__in=PENDING).values_list("pk", "status", "created_at")
    for pk, status, created_at in pending:
        if status == JobStatus.QUEUED and created_at >= requeue_before:
            continue  # recently asked for: its message is most likely still on its way
        if (
            status == JobStatus.RUNNING
            and connection.vendor != "postgresql"
            and created_at >= dead_before
        ):
            continue
        with render_lock(pk) as free:
            if not free:
                continue  # a worker is rendering it now
            if created_at < give_up_before:
                if report_fail_if_pending(report_id=pk, error=GAVE_UP):
                    recovery.failed.append(pk)
                continue
            if status == JobStatus.RUNNING and not Report.objects.filter(
                pk=pk, status=JobStatus.RUNNING
            ).update(status=JobStatus.QUEUED):
                continue  # it finished between the two looks
        # Enqueue only once the lock is released, or the new delivery would find it taken.
        if _enqueue(organisation_id, pk):
            recovery.requeued.append(pk)


def _enqueue(organisation_id: int, report_id: int) -> bool:
    from .tasks import report_render

    try:
        report_render.delay(organisation_id=organisation_id, report_id=report_id)
    except OperationalError as exc:
        log.error("Could not enqueue report %s again: %r", report_id, exc)
        return False
    return True
