"""Background jobs: how every kind of `t2a.models.Job` is enqueued, run, time-limited and
recovered. A kind (a model that subclasses Job, registered as organisation data) says only
what differs, in class attributes: its task, its build function, its ages.

A Job row is the truth; a broker message only asks a worker to act on it. What can go
wrong, and what then happens to the row:

- the build raises: the row is marked failed with the kind's plain-English
  `broke_message`; the exception and its traceback go to the log only;
- it runs past the task's soft time limit: marked failed with `too_long_message`;
- it runs past the hard limit (the worker kills the child): the worker's main process
  marks it failed the same way (`JobTask.on_failure`);
- the worker dies (SIGKILL, out of memory, a lost machine): the row is left running and
  its lock (a PostgreSQL advisory lock held by the dead connection) is gone; the recovery
  sweep (`jobs_recover`, beat every five minutes) queues it again;
- the broker was down when it was asked for, or lost the message: the row stays queued
  and the sweep enqueues it again once it is older than the kind's `requeue_after`;
- nothing has made it after the kind's `give_up_after`: the sweep marks it failed with
  `gave_up_message`, and the person asks again.

The same job may therefore be delivered more than once; the lock and the status check make
every delivery after the first do nothing.

On SQLite (the single-machine default) there are no advisory locks: a running job counts
as dead once it started more than twice its task's hard time limit ago.
"""

import logging
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta

from celery.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded
from django.apps import apps
from django.db import DatabaseError, connection
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from .celery import app, enqueue_now, enqueue_on_commit, task
from .models import PENDING_JOB, Job, JobStatus
from .registry import OrganisationData, registry, resolve

log = logging.getLogger(__name__)


def job_kinds() -> list[type[Job]]:
    """Every kind of job: the registered organisation data that subclasses Job."""
    found = [apps.get_model(item.key) for item in registry.all(OrganisationData)]
    return sorted((m for m in found if issubclass(m, Job)), key=lambda m: m._meta.label)


def job_kind_for_task(task_name: str) -> type[Job]:
    """The kind of job the task named `task_name` runs."""
    (kind,) = [kind for kind in job_kinds() if kind.task_name == task_name]
    return kind


def job_enqueue_on_commit(job: Job) -> None:
    """Ask a worker to run `job` once the transaction that created it commits."""
    enqueue_on_commit(job.task_name, organisation_id=job.organisation_id, job_id=job.pk)


# --- the lock ---------------------------------------------------------------------------------


def _lock_key(kind: type[Job], job_id: int) -> list[int]:
    # A namespace per kind, so a report and an export with the same id never share a lock.
    namespace = zlib.crc32(kind._meta.label_lower.encode()) & 0x7FFFFFFF
    return [namespace, job_id & 0x7FFFFFFF]


@contextmanager
def job_lock(kind: type[Job], job_id: int) -> Iterator[bool]:
    """Try to take the job's lock; yields whether this connection holds it.

    A PostgreSQL session advisory lock: PostgreSQL drops it as soon as the holder's
    connection closes, however its worker died, so a lock nobody holds means nobody is
    working on the job.
    """
    if connection.vendor != "postgresql":
        yield True
        return
    key = _lock_key(kind, job_id)
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
                log.warning("Could not release the lock of %s %s", kind._meta.label, job_id)


# --- running a job ----------------------------------------------------------------------------


def job_run(kind: type[Job], *, organisation_id: int, job_id: int) -> None:
    """The body of every job's task: make the job, once, and record how it ended."""
    with scope(organisation=organisation_id), job_lock(kind, job_id) as mine:
        if not mine:
            return  # another worker is making this job right now
        job = kind.objects.filter(pk=job_id, status__in=PENDING_JOB).first()
        if job is None or not job.mark_running():
            return  # finished (or given up) already: a repeated delivery
        try:
            results = resolve(kind.build_function)(job)
        except SoftTimeLimitExceeded:
            log.warning("%s %s ran past its soft time limit", kind._meta.label, job_id)
            job.mark_failed(kind.too_long_message)
            return
        except Exception:
            # People see the kind's plain message; what broke is for the log alone.
            log.exception("Could not make %s %s", kind._meta.label, job_id)
            job.mark_failed(kind.broke_message)
            return
        if not job.mark_done(**results) and results.get("file"):
            # The row went meanwhile (its organisation was deleted): drop the orphan file.
            job.file.storage.delete(results["file"])


class JobTask(app.Task):
    """The base of every job's task (`@shared_task(base=JobTask, ...)`)."""

    def apply_async(self, args=None, kwargs=None, **options):
        # Celery puts the sender's time limits in the message, where they override the
        # worker's. Send none, so the worker's own settings decide (the pdf worker's
        # REPORT_TIME_LIMIT, not the web process's).
        options.update(time_limit=None, soft_time_limit=None)
        return super().apply_async(args, kwargs, **options)

    def on_failure(self, exc, task_id, args, kwargs, einfo) -> None:
        # Called in the worker's main process when the hard time limit killed the child:
        # the task's own error handling never ran.
        if not isinstance(exc, TimeLimitExceeded):
            return
        kind = job_kind_for_task(self.name)
        with scope(organisation=kwargs["organisation_id"]):
            job = kind.objects.filter(pk=kwargs["job_id"]).first()
            if job is not None:
                job.mark_failed(kind.too_long_message)


# --- the recovery sweep -----------------------------------------------------------------------


@dataclass
class Recovery:
    """What one sweep did: the jobs enqueued again and those failed, as (kind, id)."""

    requeued: list[tuple[str, int]] = field(default_factory=list)
    failed: list[tuple[str, int]] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def jobs_recover(*, now: datetime | None = None) -> Recovery:
    """Enqueue again every job whose message or worker was lost; fail those pending too
    long. The beat task `t2a.tasks.jobs_recover` runs it every five minutes."""
    now = now or timezone.now()
    recovery = Recovery()
    for kind in job_kinds():
        # Which organisations have pending jobs: ids only, across tenants, in one query;
        # each organisation's jobs are then handled inside its own scope.
        with scopes_disabled():
            organisation_ids = sorted(
                set(
                    kind.objects.filter(status__in=PENDING_JOB)
                    .order_by()
                    .values_list("organisation_id", flat=True)
                )
            )
        for organisation_id in organisation_ids:
            with scope(organisation=organisation_id):
                for job in kind.objects.filter(status__in=PENDING_JOB).order_by("pk"):
                    _recover(job, now, recovery)
    if recovery.requeued or recovery.failed:
        log.warning("Job recovery: %s", recovery.as_dict())
    return recovery


def _recover(job: Job, now: datetime, recovery: Recovery) -> None:
    kind = type(job)
    name = (kind._meta.label, job.pk)
    if job.status == JobStatus.QUEUED and job.created_at >= now - kind.requeue_after:
        return  # recently asked for: its message is most likely still on its way
    if job.status == JobStatus.RUNNING and connection.vendor != "postgresql":
        hard_limit = timedelta(seconds=task(kind.task_name).time_limit or 0)
        if (job.started_at or job.created_at) >= now - 2 * hard_limit:
            return  # without locks, only age says that its worker died
    with job_lock(kind, job.pk) as free:
        if not free:
            return  # a worker is making it now
        if job.created_at < now - kind.give_up_after:
            if job.mark_failed(kind.gave_up_message):
                recovery.failed.append(name)
            return
        if job.status == JobStatus.RUNNING and not job.mark_queued_again():
            return  # it finished between the two looks
    # Enqueue only once the lock is released, or the new delivery would find it taken.
    if enqueue_now(kind.task_name, organisation_id=job.organisation_id, job_id=job.pk):
        recovery.requeued.append(name)
