"""Cycles background work: PDF reports, rendered on their own "pdf" queue.

What can go wrong with a render, and what then happens to the Report row:

- it runs past the soft time limit (`REPORT_SOFT_TIME_LIMIT`): the task marks it failed
  ("took too long"), and the person can try again;
- it runs past the hard limit (`REPORT_TIME_LIMIT`, the worker kills the child): the
  worker's main process marks it failed the same way (`on_failure`);
- the worker dies (SIGKILL, out of memory, a lost machine): the row is left running, its
  render lock (a PostgreSQL advisory lock held by the dead connection) is gone, and the
  recovery sweep (`cycles.report_recovery`, every five minutes) queues it again;
- the broker was down when it was requested, or lost the message: the row stays queued
  and the recovery sweep enqueues it again.

The same report may therefore be delivered more than once; the render lock and the status
check make every delivery after the first do nothing.
"""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded
from django.conf import settings
from django_scopes import scope

from t2a.celery import app
from t2a.models import JobStatus

from . import report_recovery

TOO_LONG = "The report took too long to make. Try again, or ask for help if it keeps failing."


class ReportRenderTask(app.Task):
    def apply_async(self, args=None, kwargs=None, **options):
        # Celery puts the sender's time limits in the message, where they override the
        # worker's. Send none, so the pdf worker's own settings decide.
        options.update(time_limit=None, soft_time_limit=None)
        return super().apply_async(args, kwargs, **options)

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        # Called in the worker's main process when the hard time limit killed the child:
        # the task's own error handling never ran.
        if isinstance(exc, TimeLimitExceeded):
            with scope(organisation=kwargs["organisation_id"]):
                report_recovery.report_fail_if_pending(
                    report_id=kwargs["report_id"], error=TOO_LONG
                )


@shared_task(
    base=ReportRenderTask,
    acks_late=True,
    soft_time_limit=settings.REPORT_SOFT_TIME_LIMIT,
    time_limit=settings.REPORT_TIME_LIMIT,
)
def report_render(*, organisation_id: int, report_id: int) -> None:
    from . import reports
    from .models import Report

    with scope(organisation=organisation_id), report_recovery.render_lock(report_id) as mine:
        if not mine:
            return  # another worker is rendering this report right now
        report = Report.objects.filter(
            pk=report_id, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]
        ).first()
        if report is None:
            return  # finished (or given up) already: a repeated delivery
        try:
            reports.report_build(report=report)
        except SoftTimeLimitExceeded:
            reports.report_fail(report_id=report_id, error=TOO_LONG)
            raise
        except Exception as exc:
            reports.report_fail(report_id=report_id, error=repr(exc))
            raise


@shared_task(acks_late=True, soft_time_limit=120, time_limit=150, expires=4 * 60)
def reports_recover() -> dict:
    """Every five minutes: queue again reports whose message or worker was lost, and fail
    those waiting too long."""
    return report_recovery.reports_recover().as_dict()
