"""Cycles background work: PDF reports, rendered on their own "pdf" queue.

A report is a job (`t2a.models.Job`): `t2a/jobs.py` runs it, marks it failed with a
readable error past the soft or hard time limit (`REPORT_SOFT_TIME_LIMIT`,
`REPORT_TIME_LIMIT`, as the pdf worker's settings say), and its recovery sweep enqueues
it again when its message or worker was lost.
"""

from celery import shared_task
from django.conf import settings

from t2a import jobs

from .models import Report


@shared_task(
    base=jobs.JobTask,
    acks_late=True,
    soft_time_limit=settings.REPORT_SOFT_TIME_LIMIT,
    time_limit=settings.REPORT_TIME_LIMIT,
)
def report_render(*, organisation_id: int, job_id: int) -> None:
    jobs.job_run(Report, organisation_id=organisation_id, job_id=job_id)
